using NServe.Onnx.Building;

namespace NServe.TensorFlow.Conversion;

/// <summary>
/// TensorFlow's channels-last layouts (NHWC, NDHWC) against ONNX's channels-first ones: the transposes
/// around a convolution or pool, and reading per-dimension attributes (strides, dilations, ksize,
/// explicit paddings) that TensorFlow writes in the data format's order.
/// </summary>
internal sealed class DataFormat
{
    private DataFormat(bool channelsLast, int spatialRank)
    {
        ChannelsLast = channelsLast;
        SpatialRank = spatialRank;
    }

    public bool ChannelsLast { get; }

    public int SpatialRank { get; }

    public int Rank => SpatialRank + 2;

    /// <summary>Reads <c>data_format</c> (NHWC/NCHW, NDHWC/NCDHW, NWC/NCW).</summary>
    public static DataFormat Of(NodeContext node, int spatialRank)
    {
        var defaultFormat = spatialRank switch { 1 => "NWC", 2 => "NHWC", _ => "NDHWC" };
        var format = node.Node.GetString("data_format", defaultFormat);
        if (format.Length != spatialRank + 2 || format[0] != 'N')
        {
            throw new ConversionException($"data_format {format} is not supported");
        }

        return new DataFormat(format[^1] == 'C', spatialRank);
    }

    /// <summary>Permutation channels-last → channels-first: [0, R-1, 1, ..., R-2].</summary>
    public long[] ToChannelsFirst => [0, Rank - 1, .. Enumerable.Range(1, SpatialRank).Select(i => (long)i)];

    /// <summary>Permutation channels-first → channels-last: [0, 2, ..., R-1, 1].</summary>
    public long[] ToChannelsLast => [0, .. Enumerable.Range(2, SpatialRank).Select(i => (long)i), 1];

    /// <summary>The input in channels-first layout.</summary>
    public string InputToOnnx(NodeContext node, string input)
        => ChannelsLast ? node.Emit("Transpose", [input], n => n.Attribute("perm", ToChannelsFirst)) : input;

    /// <summary>Binds output 0 from a channels-first result.</summary>
    public void OutputFromOnnx(NodeContext node, string result, NServe.Core.Tensors.TensorDataType type, long[]? shape)
    {
        if (ChannelsLast)
        {
            node.EmitOutput(0, "Transpose", [result], type, shape, n => n.Attribute("perm", ToChannelsLast));
        }
        else
        {
            node.SetOutput(0, result, type, shape);
        }
    }

    /// <summary>The spatial entries of a per-dimension attribute such as <c>strides</c> (N and C entries dropped).</summary>
    public long[] Spatial(long[] perDimension, string what)
    {
        if (perDimension.Length == SpatialRank)
        {
            return perDimension;
        }

        if (perDimension.Length != Rank)
        {
            throw new ConversionException($"{what} has {perDimension.Length} entries; expected {Rank}");
        }

        return ChannelsLast ? perDimension[1..^1] : perDimension[2..];
    }

    /// <summary>Index of the channel dimension in the TensorFlow layout.</summary>
    public int ChannelAxis => ChannelsLast ? Rank - 1 : 1;

    /// <summary>Spatial dims of a TensorFlow-layout shape.</summary>
    public long[]? SpatialDims(long[]? shape)
        => shape is null || shape.Length != Rank ? null : ChannelsLast ? shape[1..^1] : shape[2..];

    /// <summary>A TensorFlow-layout shape from batch, channels and spatial dims.</summary>
    public long[] Compose(long batch, long channels, long[] spatial)
        => ChannelsLast ? [batch, .. spatial, channels] : [batch, channels, .. spatial];

    /// <summary>
    /// Sets <c>auto_pad</c> or <c>pads</c> from TensorFlow's <c>padding</c>: SAME pads the extra row or column
    /// at the end, which is ONNX's SAME_UPPER; EXPLICIT reads <c>explicit_paddings</c> (pairs per dimension).
    /// </summary>
    public void ApplyPadding(NodeContext node, OnnxNodeBuilder onnx)
    {
        var padding = node.Node.GetString("padding", "VALID");
        switch (padding)
        {
            case "SAME":
                onnx.Attribute("auto_pad", "SAME_UPPER");
                break;
            case "VALID":
                onnx.Attribute("pads", new long[SpatialRank * 2]);
                break;
            case "EXPLICIT":
                onnx.Attribute("pads", ExplicitPads(node));
                break;
            default:
                throw new ConversionException($"padding {padding} is not supported");
        }
    }

    /// <summary>Output spatial size along one dimension, as TensorFlow computes it.</summary>
    public static long OutputSize(long input, long kernel, long stride, long dilation, string padding, long padBefore = 0, long padAfter = 0)
    {
        if (input < 0)
        {
            return -1;
        }

        var effective = ((kernel - 1) * dilation) + 1;
        return padding switch
        {
            "SAME" => (input + stride - 1) / stride,
            "EXPLICIT" => ((input + padBefore + padAfter - effective) / stride) + 1,
            _ => (input - effective + stride) / stride,
        };
    }

    /// <summary>The ONNX <c>pads</c> [begin..., end...] of TensorFlow's <c>explicit_paddings</c>.</summary>
    public long[] ExplicitPads(NodeContext node)
    {
        var explicitPaddings = node.Node.GetInts("explicit_paddings", []);
        if (explicitPaddings.Length != Rank * 2)
        {
            throw new ConversionException($"explicit_paddings has {explicitPaddings.Length} entries; expected {Rank * 2}");
        }

        var first = ChannelsLast ? 1 : 2;
        var pads = new long[SpatialRank * 2];
        for (var i = 0; i < SpatialRank; i++)
        {
            pads[i] = explicitPaddings[(first + i) * 2];
            pads[SpatialRank + i] = explicitPaddings[((first + i) * 2) + 1];
        }

        return pads;
    }
}
