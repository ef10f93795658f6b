using NServe.Core.Tensors;

namespace NServe.TensorFlow.Conversion;

/// <summary>
/// Conv2D, Conv3D and DepthwiseConv2dNative: the input goes channels-first around an ONNX Conv, the filter
/// goes from TensorFlow's [spatial..., in, out] to ONNX's [out, in/group, spatial...]. ORT convolves in float.
/// </summary>
internal static class ConvolutionOps
{
    public static void Register(OpConverterRegistry registry)
    {
        registry.Add("Conv2D", node => Convolution(node, 2, depthwise: false));
        registry.Add("Conv3D", node => Convolution(node, 3, depthwise: false));
        registry.Add("DepthwiseConv2dNative", node => Convolution(node, 2, depthwise: true));
    }

    private static void Convolution(NodeContext node, int spatialRank, bool depthwise)
    {
        var format = DataFormat.Of(node, spatialRank);
        var input = node.Input(0);
        var filter = node.Input(1);
        var type = node.T;
        const TensorDataType compute = TensorDataType.Float;

        var strides = format.Spatial(node.Node.GetInts("strides", []), "strides");
        var dilations = format.Spatial(node.Node.GetInts("dilations", Enumerable.Repeat(1L, format.Rank).ToArray()), "dilations");
        var filterShape = filter.Shape;
        if (filterShape is not null && filterShape.Length != spatialRank + 2)
        {
            throw new ConversionException($"the filter has rank {filterShape.Length}; expected {spatialRank + 2}");
        }

        // [spatial..., in, out] → [out, in, spatial...]
        long[] filterPerm = [spatialRank + 1, spatialRank, .. Enumerable.Range(0, spatialRank).Select(i => (long)i)];
        var weights = KernelTypes.InputAs(node, 1, compute);
        long group = 1;
        long outChannels = filterShape?[^1] ?? -1;
        if (depthwise)
        {
            // [kh, kw, in, multiplier] → [kh, kw, 1, in * multiplier]: output channel i * multiplier + m, as TensorFlow orders them.
            group = filterShape?[spatialRank] is > 0 and var inChannels
                ? inChannels
                : throw new ConversionException("a depthwise convolution needs the filter's input-channel count, which is unknown");
            outChannels = filterShape[^1] >= 0 ? group * filterShape[^1] : -1;
            long[] flatShape = [.. Enumerable.Repeat(0L, spatialRank), 1, -1];
            weights = node.Emit("Reshape", [weights, node.Scope.Int64s(flatShape)]);
        }
        else if (input.Shape is { } inputShape && inputShape.Length == format.Rank && filterShape is not null)
        {
            var channels = inputShape[format.ChannelAxis];
            var perGroup = filterShape[spatialRank];
            if (channels > 0 && perGroup > 0 && channels != perGroup)
            {
                group = channels % perGroup == 0
                    ? channels / perGroup
                    : throw new ConversionException($"input channels {channels} are not a multiple of the filter's {perGroup}");
            }
        }

        weights = node.Emit("Transpose", [weights], n => n.Attribute("perm", filterPerm));
        var x = format.InputToOnnx(node, KernelTypes.InputAs(node, 0, compute));
        var padding = node.Node.GetString("padding", "VALID");
        var padExplicitly = padding == "SAME" && dilations.Any(d => d != 1);
        if (padExplicitly)
        {
            // ORT's Conv has no SAME auto-padding with dilations: pad the input as TensorFlow would, then convolve VALID.
            x = SamePad(node, format, x, input.Shape, filterShape, strides, dilations);
        }

        var result = node.Emit("Conv", [x, weights], n =>
        {
            n.Attribute("strides", strides).Attribute("dilations", dilations).Attribute("group", group);
            if (filterShape is not null && filterShape[..spatialRank].All(d => d > 0))
            {
                n.Attribute("kernel_shape", filterShape[..spatialRank]);
            }

            if (padExplicitly)
            {
                n.Attribute("pads", new long[spatialRank * 2]);
            }
            else
            {
                format.ApplyPadding(node, n);
            }
        });

        var shape = OutputShape(node, format, input.Shape, filterShape, strides, dilations, outChannels);
        if (type == compute)
        {
            format.OutputFromOnnx(node, result, type, shape);
            return;
        }

        // Back to channels-last first, then to the op's type.
        var back = format.ChannelsLast ? node.Emit("Transpose", [result], n => n.Attribute("perm", format.ToChannelsLast)) : result;
        KernelTypes.OutputAs(node, 0, back, compute, type, shape);
    }

    private static long[]? OutputShape(NodeContext node, DataFormat format, long[]? inputShape, long[]? filterShape, long[] strides, long[] dilations, long outChannels)
    {
        var spatial = format.SpatialDims(inputShape);
        if (spatial is null || filterShape is null)
        {
            return null;
        }

        var padding = node.Node.GetString("padding", "VALID");
        var pads = padding == "EXPLICIT" ? format.ExplicitPads(node) : new long[format.SpatialRank * 2];
        var output = new long[format.SpatialRank];
        for (var i = 0; i < output.Length; i++)
        {
            output[i] = filterShape[i] < 0
                ? -1
                : DataFormat.OutputSize(spatial[i], filterShape[i], strides[i], dilations[i], padding, pads[i], pads[format.SpatialRank + i]);
        }

        return format.Compose(inputShape![0], outChannels, output);
    }

    /// <summary>
    /// Pads a channels-first input for SAME: per spatial dim, total = max((ceil(in / s) - 1) * s + (k - 1) * d + 1 - in, 0),
    /// the odd one after. Computed at conversion when the input size is known, else at run time.
    /// </summary>
    private static string SamePad(NodeContext node, DataFormat format, string x, long[]? inputShape, long[]? filterShape, long[] strides, long[] dilations)
    {
        var rank = format.SpatialRank;
        if (filterShape is null || filterShape[..rank].Any(k => k < 0))
        {
            throw new ConversionException("SAME padding with dilations needs the filter size, which is unknown");
        }

        var effective = Enumerable.Range(0, rank).Select(i => ((filterShape[i] - 1) * dilations[i]) + 1).ToArray();
        string pads;
        if (format.SpatialDims(inputShape) is { } spatial && spatial.All(d => d >= 0))
        {
            var totals = Enumerable.Range(0, rank).Select(i => Math.Max(((((spatial[i] + strides[i] - 1) / strides[i]) - 1) * strides[i]) + effective[i] - spatial[i], 0)).ToArray();
            pads = node.Scope.Int64s([0, 0, .. totals.Select(t => t / 2), 0, 0, .. totals.Select(t => t - (t / 2))]);
        }
        else
        {
            var size = node.Emit("Slice", [node.Emit("Shape", [x]), node.Scope.Int64s(2), node.Scope.Int64s(2 + rank)]);
            var stride = node.Scope.Int64s(strides);
            var outputs = node.Emit("Div", [node.Emit("Sub", [node.Emit("Add", [size, stride]), node.Scope.Int64Scalar(1)]), stride]);
            var needed = node.Emit("Sub", [node.Emit("Add", [node.Emit("Mul", [node.Emit("Sub", [outputs, node.Scope.Int64Scalar(1)]), stride]), node.Scope.Int64s(effective)]), size]);
            var total = node.Emit("Max", [needed, node.Scope.Int64Scalar(0)]);
            var before = node.Emit("Div", [total, node.Scope.Int64Scalar(2)]);
            var after = node.Emit("Sub", [total, before]);
            var zeros = node.Scope.Int64s(0, 0);
            pads = node.Emit("Concat", [zeros, before, zeros, after], n => n.Attribute("axis", 0L));
        }

        return node.Emit("Pad", [x, pads]);
    }
}
