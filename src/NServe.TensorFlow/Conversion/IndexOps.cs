using NServe.Core.Tensors;

namespace NServe.TensorFlow.Conversion;

/// <summary>ArgMax/ArgMin (first index on ties, as ONNX's default) and TopK(V2).</summary>
internal static class IndexOps
{
    public static void Register(OpConverterRegistry registry)
    {
        registry.Add("ArgMax", node => Arg(node, "ArgMax"));
        registry.Add("ArgMin", node => Arg(node, "ArgMin"));
        registry.Add("TopKV2", node => TopK(node, node.InInt64(1), node.Input(1).Constant?.ToInt64s()[0]));
        registry.Add("TopK", node => TopK(node, null, node.Node.GetInt("k", 1)));
        registry.Add("Unique", Unique);
    }

    // Unique values in order of first appearance (ONNX Unique unsorted) and, per input element, its value's index.
    // ORT's Unique takes float, double, int8, int64 and string: other integers go through int64.
    private static void Unique(NodeContext node)
    {
        var input = node.Input(0);
        var type = input.DataType;
        var compute = type is TensorDataType.Float or TensorDataType.Double or TensorDataType.Int8 or TensorDataType.Int64 or TensorDataType.String
            ? type
            : type == TensorDataType.Half ? TensorDataType.Float : TensorDataType.Int64;
        var values = node.Temp("values");
        var inverse = node.Temp("inverse");
        node.Scope.EmitMany("Unique", [KernelTypes.InputAs(node, 0, compute)], [values, "", inverse], n => n.Attribute("sorted", 0L));
        KernelTypes.OutputAs(node, 0, values, compute, type, [-1]);
        KernelTypes.OutputAs(node, 1, inverse, TensorDataType.Int64, node.Node.GetType("out_idx", TensorDataType.Int32), input.Shape);
    }

    private static void Arg(NodeContext node, string onnxOp)
    {
        var input = node.Input(0);
        var axis = ConcatSplitOps.ScalarAxis(node, 1);
        var outputType = node.Node.GetType("output_type", TensorDataType.Int64);
        var compute = KernelTypes.Arithmetic(input.DataType);
        var result = node.Emit(onnxOp, [KernelTypes.InputAs(node, 0, compute)], n => n.Attribute("axis", axis).Attribute("keepdims", 0L));
        long[]? shape = input.Shape is { } s ? s.Where((_, i) => i != Shapes.NormalizeAxis(axis, s.Length)).ToArray() : null;
        KernelTypes.OutputAs(node, 0, result, TensorDataType.Int64, outputType, shape);
    }

    // TopK over the last axis, largest first; TensorFlow's indices are int32 unless index_type says otherwise.
    private static void TopK(NodeContext node, string? k, long? knownK)
    {
        var input = node.Input(0);
        k = k is null
            ? node.Scope.Int64s(knownK!.Value)
            : node.Emit("Reshape", [k, node.Scope.Int64s(1)]);
        var values = node.OutputName(0);
        var indices = node.Temp("indices");
        node.Scope.EmitMany("TopK", [node.In(0), k], [values, indices], n => n.Attribute("axis", -1L).Attribute("largest", 1L).Attribute("sorted", 1L));
        long[]? shape = input.Shape is { Length: > 0 } s ? [.. s[..^1], knownK ?? -1] : null;
        node.SetOutput(0, values, input.DataType, shape);
        KernelTypes.OutputAs(node, 1, indices, TensorDataType.Int64, node.Node.GetType("index_type", TensorDataType.Int32), shape);
    }
}
