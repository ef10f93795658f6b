using NServe.Core.Tensors;

namespace NServe.TensorFlow.Conversion;

/// <summary>
/// MaxPool and AvgPool (2-D and 3-D). SAME padding: TensorFlow's max pool ignores padded cells and its
/// average divides by the count of real cells, which are ONNX's MaxPool and AveragePool with
/// <c>count_include_pad = 0</c>.
/// </summary>
internal static class PoolingOps
{
    public static void Register(OpConverterRegistry registry)
    {
        registry.Add("MaxPool", node => Pool(node, "MaxPool", 2, KernelSizes(node, "ksize"), KernelSizes(node, "strides")));
        registry.Add("MaxPoolV2", node => Pool(node, "MaxPool", 2, node.ConstantInput(1, "ksize").ToInt64s(), node.ConstantInput(2, "strides").ToInt64s()));
        registry.Add("MaxPool3D", node => Pool(node, "MaxPool", 3, KernelSizes(node, "ksize"), KernelSizes(node, "strides")));
        registry.Add("AvgPool", node => Pool(node, "AveragePool", 2, KernelSizes(node, "ksize"), KernelSizes(node, "strides")));
        registry.Add("AvgPool3D", node => Pool(node, "AveragePool", 3, KernelSizes(node, "ksize"), KernelSizes(node, "strides")));
    }

    private static long[] KernelSizes(NodeContext node, string attribute)
        => node.Node.GetInts(attribute, []) is { Length: > 0 } values ? values : throw new ConversionException($"attribute '{attribute}' is missing");

    private static void Pool(NodeContext node, string onnxOp, int spatialRank, long[] ksize, long[] stridesAttr)
    {
        var format = DataFormat.Of(node, spatialRank);
        var kernel = format.Spatial(ksize, "ksize");
        var strides = format.Spatial(stridesAttr, "strides");
        var type = node.T;
        // ORT pools float (and MaxPool 8-bit integers); everything else goes through float.
        var compute = type is TensorDataType.Float || (onnxOp == "MaxPool" && type is TensorDataType.Int8 or TensorDataType.UInt8)
            ? type
            : TensorDataType.Float;
        var x = format.InputToOnnx(node, KernelTypes.InputAs(node, 0, compute));
        var result = node.Emit(onnxOp, [x], n =>
        {
            n.Attribute("kernel_shape", kernel).Attribute("strides", strides);
            if (onnxOp == "AveragePool")
            {
                n.Attribute("count_include_pad", 0L);
            }

            format.ApplyPadding(node, n);
        });

        var shape = OutputShape(node, format, node.Input(0).Shape, kernel, strides);
        if (compute == type)
        {
            format.OutputFromOnnx(node, result, type, shape);
            return;
        }

        var back = format.ChannelsLast ? node.Emit("Transpose", [result], n => n.Attribute("perm", format.ToChannelsLast)) : result;
        KernelTypes.OutputAs(node, 0, back, compute, type, shape);
    }

    private static long[]? OutputShape(NodeContext node, DataFormat format, long[]? inputShape, long[] kernel, long[] strides)
    {
        var spatial = format.SpatialDims(inputShape);
        if (spatial is null)
        {
            return null;
        }

        var padding = node.Node.GetString("padding", "VALID");
        var pads = padding == "EXPLICIT" ? format.ExplicitPads(node) : new long[format.SpatialRank * 2];
        var output = new long[spatial.Length];
        for (var i = 0; i < output.Length; i++)
        {
            output[i] = DataFormat.OutputSize(spatial[i], kernel[i], strides[i], 1, padding, pads[i], pads[format.SpatialRank + i]);
        }

        return format.Compose(inputShape![0], inputShape[format.ChannelAxis], output);
    }
}
