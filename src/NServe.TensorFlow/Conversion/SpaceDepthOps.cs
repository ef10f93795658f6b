namespace NServe.TensorFlow.Conversion;

/// <summary>
/// DepthToSpace and SpaceToDepth. TensorFlow orders the moved depth as (block row, block column, channel), which
/// is ONNX's DCR mode; NHWC data goes channels-first around the ONNX op.
/// </summary>
internal static class SpaceDepthOps
{
    public static void Register(OpConverterRegistry registry)
    {
        registry.Add("DepthToSpace", node => Rearrange(node, "DepthToSpace", toSpace: true));
        registry.Add("SpaceToDepth", node => Rearrange(node, "SpaceToDepth", toSpace: false));
    }

    private static void Rearrange(NodeContext node, string onnxOp, bool toSpace)
    {
        var format = DataFormat.Of(node, 2);
        var block = node.Node.GetInt("block_size", 0);
        if (block < 2)
        {
            throw new ConversionException($"block_size {block} is invalid");
        }

        var input = node.Input(0);
        var x = format.InputToOnnx(node, node.In(0));
        var result = node.Emit(onnxOp, [x], n =>
        {
            n.Attribute("blocksize", block);
            if (toSpace)
            {
                n.Attribute("mode", "DCR");
            }
        });

        long[]? shape = null;
        if (input.Shape is { Length: 4 } s)
        {
            var c = s[format.ChannelAxis];
            var spatial = format.SpatialDims(s)!;
            shape = toSpace
                ? format.Compose(s[0], c >= 0 ? c / (block * block) : -1, spatial.Select(d => d >= 0 ? d * block : -1).ToArray())
                : format.Compose(s[0], c >= 0 ? c * block * block : -1, spatial.Select(d => d >= 0 ? d / block : -1).ToArray());
        }

        format.OutputFromOnnx(node, result, input.DataType, shape);
    }
}
