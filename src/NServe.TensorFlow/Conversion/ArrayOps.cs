namespace NServe.TensorFlow.Conversion;

/// <summary>Tile, ReverseV2, Pad/PadV2/MirrorPad, ClipByValue.</summary>
internal static class ArrayOps
{
    public static void Register(OpConverterRegistry registry)
    {
        registry.Add("Tile", Tile);
        registry.Add("ReverseV2", ReverseV2);
        registry.Add("Pad", node => Pad(node, "constant", hasValue: false));
        registry.Add("PadV2", node => Pad(node, "constant", hasValue: true));
        registry.Add("MirrorPad", MirrorPad);
        registry.Add("ClipByValue", ClipByValue);
    }

    private static void Tile(NodeContext node)
    {
        var input = node.Input(0);
        long[]? shape = null;
        if (input.Shape is { } s && node.Input(1).Constant is { } multiples)
        {
            var m = multiples.ToInt64s();
            shape = s.Select((d, i) => d >= 0 ? d * m[i] : -1).ToArray();
        }

        node.EmitOutput(0, "Tile", [node.In(0), node.InInt64(1)], input.DataType, shape);
    }

    // Reversal along each axis is a Slice from the last element backwards with step -1.
    private static void ReverseV2(NodeContext node)
    {
        var input = node.Input(0);
        var axes = node.ConstantInput(1, "the axes").ToInt64s();
        if (axes.Length == 0)
        {
            node.Alias(0, input);
            return;
        }

        var count = axes.Length;
        node.EmitOutput(0, "Slice", [
            node.In(0),
            node.Scope.Int64s(Enumerable.Repeat(-1L, count).ToArray()),
            node.Scope.Int64s(Enumerable.Repeat(long.MinValue, count).ToArray()),
            node.Scope.Int64s(axes),
            node.Scope.Int64s(Enumerable.Repeat(-1L, count).ToArray()),
        ], input.DataType, input.Shape);
    }

    // TensorFlow paddings are [rank, 2] (before, after) rows; ONNX pads are [all befores..., all afters...].
    private static string OnnxPads(NodeContext node)
    {
        if (node.Input(1).Constant is { } constant)
        {
            var rows = constant.ToInt64s();
            var rank = rows.Length / 2;
            return node.Scope.Int64s([.. Enumerable.Range(0, rank).Select(i => rows[i * 2]), .. Enumerable.Range(0, rank).Select(i => rows[(i * 2) + 1])]);
        }

        var transposed = node.Emit("Transpose", [node.InInt64(1)], n => n.Attribute("perm", new long[] { 1, 0 }));
        return node.Emit("Reshape", [transposed, node.Scope.Int64s(-1)]);
    }

    private static long[]? PaddedShape(NodeContext node)
    {
        if (node.Input(0).Shape is not { } s || node.Input(1).Constant is not { } constant)
        {
            return Shapes.UnknownDims(node.Input(0).Rank);
        }

        var rows = constant.ToInt64s();
        return s.Select((d, i) => d >= 0 ? d + rows[i * 2] + rows[(i * 2) + 1] : -1).ToArray();
    }

    private static void Pad(NodeContext node, string mode, bool hasValue)
    {
        var input = node.Input(0);
        var pads = OnnxPads(node);
        string[] inputs = hasValue ? [node.In(0), pads, node.In(2)] : [node.In(0), pads];
        node.EmitOutput(0, "Pad", inputs, input.DataType, PaddedShape(node), n => n.Attribute("mode", mode));
    }

    private static void MirrorPad(NodeContext node)
    {
        var mode = node.Node.GetString("mode", "REFLECT");
        if (mode != "REFLECT")
        {
            // ONNX "edge" repeats the border element; TensorFlow's SYMMETRIC mirrors it with the border included.
            throw new ConversionException($"mode {mode} has no ONNX equivalent");
        }

        Pad(node, "reflect", hasValue: false);
    }

    // min(max(x, low), high) with broadcasting bounds (ONNX Clip wants scalar bounds).
    private static void ClipByValue(NodeContext node)
    {
        var type = node.T;
        var wide = KernelTypes.Arithmetic(type);
        var raised = node.Emit("Max", [KernelTypes.InputAs(node, 0, wide), KernelTypes.InputAs(node, 1, wide)]);
        var result = node.Emit("Min", [raised, KernelTypes.InputAs(node, 2, wide)]);
        KernelTypes.OutputAs(node, 0, result, wide, type, node.Input(0).Shape);
    }
}
