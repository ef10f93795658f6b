using NServe.Core.Tensors;

namespace NServe.TensorFlow.Conversion;

/// <summary>Select (TF1: a vector condition picks rows), SelectV2 (broadcasting), Where (coordinates of true elements).</summary>
internal static class SelectionOps
{
    public static void Register(OpConverterRegistry registry)
    {
        registry.Add("Select", Select);
        registry.Add("SelectV2", SelectV2);
        registry.Add("Where", Where);
    }

    private static void Select(NodeContext node)
    {
        var condition = node.Input(0);
        var then = node.Input(1);
        var cond = node.In(0);
        if (condition.Rank == 1 && then.Rank is > 1 and var rank)
        {
            // A vector condition selects along the first dimension: [N] → [N, 1, ..., 1].
            cond = node.Emit("Unsqueeze", [cond, node.Scope.Int64s(Enumerable.Range(1, rank - 1).Select(i => (long)i).ToArray())]);
        }
        else if (condition.Rank is null && then.Rank is not (null or 0))
        {
            throw new ConversionException("Select needs the condition's rank, which is unknown");
        }

        node.EmitOutput(0, "Where", [cond, node.In(1), node.In(2)], then.DataType, then.Shape ?? node.Input(2).Shape);
    }

    private static void SelectV2(NodeContext node)
    {
        var shape = Shapes.Broadcast(Shapes.Broadcast(node.Input(0).Shape, node.Input(1).Shape), node.Input(2).Shape);
        node.EmitOutput(0, "Where", [node.In(0), node.In(1), node.In(2)], node.Input(1).DataType, shape);
    }

    // Where(x): [num_true, rank] int64 coordinates in row-major order; ONNX NonZero gives them as [rank, num_true].
    private static void Where(NodeContext node)
    {
        var input = node.Input(0);
        var nonZero = node.Emit("NonZero", [node.In(0)]);
        long[]? shape = input.Rank is { } rank ? [-1, rank] : null;
        node.EmitOutput(0, "Transpose", [nonZero], TensorDataType.Int64, shape, n => n.Attribute("perm", new long[] { 1, 0 }));
    }
}
