using NServe.Core.Tensors;

namespace NServe.TensorFlow.Conversion;

/// <summary>Ops that make tensors: Fill, ZerosLike/OnesLike, Range, OneHot.</summary>
internal static class CreationOps
{
    public static void Register(OpConverterRegistry registry)
    {
        registry.Add("Fill", Fill);
        registry.Add("ZerosLike", node => Like(node, 0));
        registry.Add("OnesLike", node => Like(node, 1));
        registry.Add("Range", Range);
        registry.Add("OneHot", OneHot);
    }

    // Fill(dims, value): the scalar broadcast to dims.
    private static void Fill(NodeContext node)
    {
        var value = node.Input(1);
        long[]? shape = node.Input(0).Constant is { } dims ? dims.ToInt64s() : node.Input(0).Shape is [var rank] && rank >= 0 ? Shapes.UnknownDims((int)rank) : null;
        node.EmitOutput(0, "Expand", [node.In(1), node.InInt64(0)], value.DataType, shape);
    }

    private static void Like(NodeContext node, int fill)
    {
        var input = node.Input(0);
        var type = node.Node.GetType("T", input.DataType);
        var scalar = node.Scope.IntegerScalar(type, fill);
        node.EmitOutput(0, "Expand", [scalar, node.Emit("Shape", [node.In(0)])], type, input.Shape);
    }

    private static void Range(NodeContext node)
    {
        var type = node.Node.GetType("Tidx", node.Input(0).DataType);
        long[]? shape = [-1];
        if (node.Input(0).Constant is { } start && node.Input(1).Constant is { } limit && node.Input(2).Constant is { } delta)
        {
            var (s, l, d) = (start.ToDoubles()[0], limit.ToDoubles()[0], delta.ToDoubles()[0]);
            shape = [Math.Max(0, (long)Math.Ceiling((l - s) / d))];
        }

        // ORT's Range takes int16/int32/int64/float/double.
        var compute = type is TensorDataType.Int8 or TensorDataType.UInt8 or TensorDataType.UInt16 or TensorDataType.Half ? TensorDataType.Int32 : type;
        if (type == TensorDataType.Half)
        {
            compute = TensorDataType.Float;
        }

        string[] inputs = [KernelTypes.InputAs(node, 0, compute), KernelTypes.InputAs(node, 1, compute), KernelTypes.InputAs(node, 2, compute)];
        if (compute == type)
        {
            node.EmitOutput(0, "Range", inputs, type, shape);
            return;
        }

        KernelTypes.OutputAs(node, 0, node.Emit("Range", inputs), compute, type, shape);
    }

    // OneHot(indices, depth, on, off, axis). A negative index gives all off_value in TensorFlow but counts
    // from the end in ONNX, so negative indices are moved out of range first.
    private static void OneHot(NodeContext node)
    {
        var indices = node.Input(0);
        var type = node.Node.GetType("T", node.Input(2).DataType);
        var axis = node.Node.GetInt("axis", -1);
        var index = node.InInt64(0);
        var depth = node.Emit("Reshape", [node.InInt64(1), node.Scope.Int64s([])]);
        var outOfRange = node.Emit("Where", [node.Emit("Less", [index, node.Scope.Int64Scalar(0)]), depth, index]);
        var values = node.Emit("Concat", [
            node.Emit("Reshape", [node.In(3), node.Scope.Int64s(1)]),
            node.Emit("Reshape", [node.In(2), node.Scope.Int64s(1)]),
        ], n => n.Attribute("axis", 0L));
        long[]? shape = null;
        if (indices.Shape is { } s)
        {
            var depthValue = node.Input(1).Constant?.ToInt64s()[0] ?? -1;
            var position = (int)(axis < 0 ? s.Length : axis);
            shape = [.. s[..position], depthValue, .. s[position..]];
        }

        node.EmitOutput(0, "OneHot", [outOfRange, depth, values], type, shape, n => n.Attribute("axis", axis));
    }
}
