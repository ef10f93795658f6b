using NServe.Core.Tensors;

namespace NServe.TensorFlow.Conversion;

/// <summary>
/// Conv2DBackpropInput (Keras Conv2DTranspose) as ONNX ConvTranspose. The output size TensorFlow takes as an
/// input is fixed here from that input when constant, or from the node's recorded output shape; the pads and
/// output_padding follow from the forward convolution the op inverts (SAME: total = max((in' - 1) * s + k_eff
/// - out, 0), the odd one after).
/// </summary>
internal static class TransposedConvolutionOps
{
    public static void Register(OpConverterRegistry registry) => registry.Add("Conv2DBackpropInput", Conv2DBackpropInput);

    private static void Conv2DBackpropInput(NodeContext node)
    {
        var format = DataFormat.Of(node, 2);
        var filterShape = node.Input(1).Shape;
        var gradient = node.Input(2);
        var type = node.T;
        const TensorDataType compute = TensorDataType.Float;
        var strides = format.Spatial(node.Node.GetInts("strides", []), "strides");
        var dilations = format.Spatial(node.Node.GetInts("dilations", [1, 1, 1, 1]), "dilations");
        if (filterShape is not { Length: 4 } || filterShape[..2].Any(k => k < 0))
        {
            throw new ConversionException("the filter size must be known");
        }

        var outputShape = node.Input(0).Constant?.ToInt64s() ?? node.Node.RecordedOutputShape(0);
        var outputSpatial = format.SpatialDims(outputShape);
        var inputSpatial = format.SpatialDims(gradient.Shape);
        if (outputSpatial is null || inputSpatial is null || outputSpatial.Any(d => d < 0) || inputSpatial.Any(d => d < 0))
        {
            throw new ConversionException("the input and output image sizes must be known");
        }

        var padding = node.Node.GetString("padding", "VALID");
        var explicitPads = padding == "EXPLICIT" ? format.ExplicitPads(node) : null;
        var pads = new long[4];
        var outputPadding = new long[2];
        for (var i = 0; i < 2; i++)
        {
            var effective = ((filterShape[i] - 1) * dilations[i]) + 1;
            long before = 0;
            long after = 0;
            if (padding == "SAME")
            {
                var total = Math.Max(((inputSpatial[i] - 1) * strides[i]) + effective - outputSpatial[i], 0);
                before = total / 2;
                after = total - before;
            }
            else if (explicitPads is not null)
            {
                before = explicitPads[i];
                after = explicitPads[2 + i];
            }

            pads[i] = before;
            pads[2 + i] = after;
            outputPadding[i] = outputSpatial[i] - ((strides[i] * (inputSpatial[i] - 1)) + effective - before - after);
            if (outputPadding[i] < 0 || outputPadding[i] >= Math.Max(strides[i], dilations[i]))
            {
                throw new ConversionException($"output size {outputSpatial[i]} cannot come from input size {inputSpatial[i]}");
            }
        }

        // [kh, kw, in, out] → [out (the gradient's channels), in, kh, kw]
        var weights = node.Emit("Transpose", [KernelTypes.InputAs(node, 1, compute)], n => n.Attribute("perm", new long[] { 3, 2, 0, 1 }));
        var x = format.InputToOnnx(node, KernelTypes.InputAs(node, 2, compute));
        var result = node.Emit("ConvTranspose", [x, weights], n => n
            .Attribute("strides", strides)
            .Attribute("dilations", dilations)
            .Attribute("pads", pads)
            .Attribute("output_padding", outputPadding)
            .Attribute("kernel_shape", filterShape[..2]));
        long[] shape = format.Compose(gradient.Shape![0], filterShape[2], outputSpatial);
        if (type == compute)
        {
            format.OutputFromOnnx(node, result, type, shape);
            return;
        }

        var back = format.ChannelsLast ? node.Emit("Transpose", [result], n => n.Attribute("perm", format.ToChannelsLast)) : result;
        KernelTypes.OutputAs(node, 0, back, compute, type, shape);
    }
}
