using NServe.Core.Tensors;
using Tensorflow;
using static NServe.TensorFlow.Tests.Conversion.ElementwiseConversionTests;

namespace NServe.TensorFlow.Tests.Conversion;

public sealed class ConvolutionConversionTests
{
    // Odd input sizes with stride 2 make SAME pad unevenly: TensorFlow puts the extra row/column at the end.
    [OracleTheory]
    [InlineData("SAME", 1, 1)]
    [InlineData("SAME", 2, 1)]
    [InlineData("VALID", 1, 1)]
    [InlineData("VALID", 2, 1)]
    [InlineData("SAME", 1, 2)]
    [InlineData("VALID", 1, 2)]
    public void Conv2DPadsStridesAndDilatesLikeTensorFlow(string padding, int stride, int dilation)
    {
        var g = new TfGraphBuilder();
        g.Placeholder("x", TensorDataType.Float, [-1, 7, 6, 3]);
        g.Const("w", TestTensor.RandomFloat([3, 2, 3, 4], 11));
        g.Op("Conv2D", "y", ["x", "w"], Attr.T(DataType.DtFloat), Attr.Ints("strides", 1, stride, stride, 1),
            Attr.Str("padding", padding), Attr.Ints("dilations", 1, dilation, dilation, 1));

        Converted.AgreeWithOracle(g, Feeds(("x:0", TestTensor.RandomFloat([2, 7, 6, 3], 12))), ["y:0"], rtol: 1e-4, atol: 1e-5);
    }

    [OracleFact]
    public void Conv2DWithExplicitPaddingMatchesAPaddedValidConvolution()
    {
        var g = new TfGraphBuilder();
        g.Placeholder("x", TensorDataType.Float, [1, 5, 5, 2]);
        g.Const("w", TestTensor.RandomFloat([3, 3, 2, 2], 21));
        g.Op("Conv2D", "explicit", ["x", "w"], Attr.T(DataType.DtFloat), Attr.Ints("strides", 1, 1, 1, 1),
            Attr.Str("padding", "EXPLICIT"), Attr.Ints("explicit_paddings", 0, 0, 1, 2, 0, 1, 0, 0), Attr.Ints("dilations", 1, 1, 1, 1));
        g.Const("pads", TestTensor.Int32([4, 2], 0, 0, 1, 2, 0, 1, 0, 0));
        g.Op("Pad", "padded", ["x", "pads"], Attr.T(DataType.DtFloat));
        g.Op("Conv2D", "valid", ["padded", "w"], Attr.T(DataType.DtFloat), Attr.Ints("strides", 1, 1, 1, 1), Attr.Str("padding", "VALID"), Attr.Ints("dilations", 1, 1, 1, 1));
        var feeds = Feeds(("x:0", TestTensor.RandomFloat([1, 5, 5, 2], 22)));

        var converted = Converted.Run(g, feeds, "explicit:0");
        var oracle = TfOracle.Run(g.ToGraphDef(), feeds, ["valid:0"]);

        Converted.AssertClose(oracle["valid:0"], converted["explicit:0"], 1e-5, 1e-5, compareTypes: false);
    }

    [OracleTheory]
    [InlineData("SAME", 1)]
    [InlineData("VALID", 2)]
    public void DepthwiseConvolutionWithAChannelMultiplier(string padding, int stride)
    {
        var g = new TfGraphBuilder();
        g.Placeholder("x", TensorDataType.Float, [-1, 5, 4, 3]);
        g.Const("w", TestTensor.RandomFloat([3, 3, 3, 2], 31));
        g.Op("DepthwiseConv2dNative", "y", ["x", "w"], Attr.T(DataType.DtFloat), Attr.Ints("strides", 1, stride, stride, 1), Attr.Str("padding", padding), Attr.Ints("dilations", 1, 1, 1, 1));

        var result = Converted.AgreeWithOracle(g, Feeds(("x:0", TestTensor.RandomFloat([2, 5, 4, 3], 32))), ["y:0"], rtol: 1e-4, atol: 1e-5);

        Assert.Equal(6, result["y:0"].Shape[3]);
    }

    // NCHW convolution, checked against the NHWC one: transpose in, convolve channels-first, transpose back.
    [OracleFact]
    public void Conv2DInNchwMatchesNhwc()
    {
        var g = new TfGraphBuilder();
        g.Placeholder("x", TensorDataType.Float, [1, 6, 5, 2]);
        g.Const("w", TestTensor.RandomFloat([3, 3, 2, 3], 41));
        g.Const("to_nchw", TestTensor.Int32([4], 0, 3, 1, 2));
        g.Const("to_nhwc", TestTensor.Int32([4], 0, 2, 3, 1));
        g.Op("Transpose", "x_nchw", ["x", "to_nchw"], Attr.T(DataType.DtFloat));
        g.Op("Conv2D", "y_nchw", ["x_nchw", "w"], Attr.T(DataType.DtFloat), Attr.Ints("strides", 1, 1, 2, 2), Attr.Str("padding", "SAME"), Attr.Str("data_format", "NCHW"), Attr.Ints("dilations", 1, 1, 1, 1));
        g.Op("Transpose", "y", ["y_nchw", "to_nhwc"], Attr.T(DataType.DtFloat));
        g.Op("Conv2D", "reference", ["x", "w"], Attr.T(DataType.DtFloat), Attr.Ints("strides", 1, 2, 2, 1), Attr.Str("padding", "SAME"), Attr.Ints("dilations", 1, 1, 1, 1));
        var feeds = Feeds(("x:0", TestTensor.RandomFloat([1, 6, 5, 2], 42)));

        var converted = Converted.Run(g, feeds, "y:0");
        var oracle = TfOracle.Run(g.ToGraphDef(), feeds, ["reference:0"]);

        Converted.AssertClose(oracle["reference:0"], converted["y:0"], 1e-5, 1e-5, compareTypes: false);
    }

    // SAME with dilations is padded explicitly (ORT has no SAME auto-padding with dilations); with the input size
    // unknown the pads are computed at run time. (TensorFlow allows dilations only with unit strides.)
    [OracleFact]
    public void DilatedSameConvolutionWithARunTimeInputSize()
    {
        var g = new TfGraphBuilder();
        g.Placeholder("x", TensorDataType.Float, [-1, -1, -1, 2]);
        g.Const("w", TestTensor.RandomFloat([3, 2, 2, 3], 13));
        g.Op("Conv2D", "y", ["x", "w"], Attr.T(DataType.DtFloat), Attr.Ints("strides", 1, 1, 1, 1), Attr.Str("padding", "SAME"), Attr.Ints("dilations", 1, 2, 3, 1));

        Converted.AgreeWithOracle(g, Feeds(("x:0", TestTensor.RandomFloat([1, 7, 8, 2], 14))), ["y:0"], rtol: 1e-4, atol: 1e-5);
    }

    // Keras Conv2DTranspose: the batch of the output size is computed at run time (Shape → StridedSlice → Pack),
    // so the spatial size comes from the recorded output shape.
    [OracleTheory]
    [InlineData("SAME", 2, 5)]
    [InlineData("SAME", 2, 6)]
    [InlineData("VALID", 2, 7)]
    [InlineData("VALID", 1, 5)]
    [InlineData("SAME", 3, 7)]
    public void Conv2DBackpropInputIsATransposedConvolution(string padding, int stride, int outputSize)
    {
        var inputSize = padding == "SAME" ? (outputSize + stride - 1) / stride : ((outputSize - 3) / stride) + 1;
        var g = new TfGraphBuilder();
        g.Placeholder("x", TensorDataType.Float, [-1, inputSize, inputSize, 4]);
        g.Const("w", TestTensor.RandomFloat([3, 3, 2, 4], 81));
        g.Op("Shape", "shape", ["x"], Attr.T(DataType.DtFloat));
        g.Const("begin", TestTensor.Int32([1], 0));
        g.Const("end", TestTensor.Int32([1], 1));
        g.Const("stride", TestTensor.Int32([1], 1));
        g.Op("StridedSlice", "batch", ["shape", "begin", "end", "stride"], Attr.T(DataType.DtInt32), Attr.Type("Index", DataType.DtInt32), Attr.Int("shrink_axis_mask", 1));
        g.Const("size", TestTensor.Int32([], outputSize));
        g.Const("channels", TestTensor.Int32([], 2));
        g.Op("Pack", "sizes", ["batch", "size", "size", "channels"], Attr.T(DataType.DtInt32), Attr.Int("N", 4));
        g.Op("Conv2DBackpropInput", "y", ["sizes", "w", "x"], Attr.T(DataType.DtFloat), Attr.Ints("strides", 1, stride, stride, 1),
            Attr.Str("padding", padding), Attr.Ints("dilations", 1, 1, 1, 1), Attr.Str("data_format", "NHWC"),
            Attr.Shapes("_output_shapes", [-1, outputSize, outputSize, 2]));

        var result = Converted.AgreeWithOracle(g, Feeds(("x:0", TestTensor.RandomFloat([2, inputSize, inputSize, 4], 82))), ["y:0"], rtol: 1e-4, atol: 1e-5);

        Assert.Equal([2L, outputSize, outputSize, 2], result["y:0"].Shape);
    }

    [Fact]
    public void Conv2DOfOnesSumsTheWindow()
    {
        var g = new TfGraphBuilder();
        g.Placeholder("x", TensorDataType.Float, [1, 3, 3, 1]);
        g.Const("w", TestTensor.Float([2, 2, 1, 1], 1, 1, 1, 1));
        g.Op("Conv2D", "y", ["x", "w"], Attr.T(DataType.DtFloat), Attr.Ints("strides", 1, 1, 1, 1), Attr.Str("padding", "SAME"));

        var result = Converted.Run(g, Feeds(("x:0", TestTensor.Float([1, 3, 3, 1], 1, 2, 3, 4, 5, 6, 7, 8, 9))), "y:0");

        // SAME with an even kernel pads only after: the last row and column see zeros below and right.
        Converted.AssertClose(TestTensor.Float([1, 3, 3, 1], 12, 16, 9, 24, 28, 15, 15, 17, 9), result["y:0"]);
    }

    [OracleTheory]
    [InlineData("MaxPool", "SAME", 2)]
    [InlineData("MaxPool", "VALID", 2)]
    [InlineData("MaxPool", "SAME", 1)]
    [InlineData("AvgPool", "SAME", 2)]
    [InlineData("AvgPool", "VALID", 2)]
    [InlineData("AvgPool", "SAME", 1)]
    public void PoolingMatchesTensorFlow(string op, string padding, int stride)
    {
        var g = new TfGraphBuilder();
        g.Placeholder("x", TensorDataType.Float, [-1, 5, 7, 2]);
        g.Op(op, "y", ["x"], Attr.T(DataType.DtFloat), Attr.Ints("ksize", 1, 3, 2, 1), Attr.Ints("strides", 1, stride, stride, 1), Attr.Str("padding", padding));

        Converted.AgreeWithOracle(g, Feeds(("x:0", TestTensor.RandomFloat([2, 5, 7, 2], 51, -2, 2))), ["y:0"]);
    }

    // TensorFlow's SAME average pool divides by the real cells only.
    [Fact]
    public void AvgPoolSameIgnoresPadding()
    {
        var g = new TfGraphBuilder();
        g.Placeholder("x", TensorDataType.Float, [1, 1, 3, 1]);
        g.Op("AvgPool", "y", ["x"], Attr.T(DataType.DtFloat), Attr.Ints("ksize", 1, 1, 2, 1), Attr.Ints("strides", 1, 1, 1, 1), Attr.Str("padding", "SAME"));
        g.Op("MaxPool", "m", ["x"], Attr.T(DataType.DtFloat), Attr.Ints("ksize", 1, 1, 2, 1), Attr.Ints("strides", 1, 1, 1, 1), Attr.Str("padding", "SAME"));

        var result = Converted.Run(g, Feeds(("x:0", TestTensor.Float([1, 1, 3, 1], 2, 4, -6))), "y:0", "m:0");

        Converted.AssertClose(TestTensor.Float([1, 1, 3, 1], 3, -1, -6), result["y:0"]);
        Converted.AssertClose(TestTensor.Float([1, 1, 3, 1], 4, 4, -6), result["m:0"]);
    }

    [OracleFact]
    public void FusedBatchNormAtInferenceMatchesTensorFlow()
    {
        var g = new TfGraphBuilder();
        g.Placeholder("x", TensorDataType.Float, [-1, 2, 2, 3]);
        g.Const("scale", TestTensor.Float([3], 1, 2, 0.5f));
        g.Const("offset", TestTensor.Float([3], 0, -1, 3));
        g.Const("mean", TestTensor.Float([3], 0.5f, -0.5f, 0));
        g.Const("variance", TestTensor.Float([3], 1, 4, 0.25f));
        g.Op("FusedBatchNormV3", "bn", ["x", "scale", "offset", "mean", "variance"], Attr.T(DataType.DtFloat), Attr.Type("U", DataType.DtFloat),
            Attr.Float("epsilon", 0.001f), Attr.Bool("is_training", false));

        Converted.AgreeWithOracle(g, Feeds(("x:0", TestTensor.RandomFloat([2, 2, 2, 3], 61, -3, 3))), ["bn:0"], rtol: 1e-5, atol: 1e-5);
    }

    [Fact]
    public void FusedBatchNormNchwNormalizesAlongDimensionOne()
    {
        var g = new TfGraphBuilder();
        g.Placeholder("x", TensorDataType.Float, [1, 2, 1, 2]);
        g.Const("scale", TestTensor.Float([2], 1, 2));
        g.Const("offset", TestTensor.Float([2], 0, 1));
        g.Const("mean", TestTensor.Float([2], 1, 0));
        g.Const("variance", TestTensor.Float([2], 4, 1));
        g.Op("FusedBatchNorm", "bn", ["x", "scale", "offset", "mean", "variance"], Attr.T(DataType.DtFloat),
            Attr.Float("epsilon", 0), Attr.Bool("is_training", false), Attr.Str("data_format", "NCHW"));

        var result = Converted.Run(g, Feeds(("x:0", TestTensor.Float([1, 2, 1, 2], 3, 5, 1, -1))), "bn:0");

        // channel 0: (x - 1) / 2; channel 1: 2x + 1
        Converted.AssertClose(TestTensor.Float([1, 2, 1, 2], 1, 2, 3, -1), result["bn:0"]);
    }

    [Fact]
    public void FusedBatchNormInTrainingModeUsesBatchStatistics()
    {
        var g = new TfGraphBuilder();
        g.Placeholder("x", TensorDataType.Float, [2, 1, 1, 2]);
        g.Const("scale", TestTensor.Float([2], 1, 1));
        g.Const("offset", TestTensor.Float([2], 0, 10));
        g.Const("empty", TestTensor.Float([0]));
        g.Op("FusedBatchNorm", "bn", ["x", "scale", "offset", "empty", "empty"], Attr.T(DataType.DtFloat), Attr.Float("epsilon", 0), Attr.Bool("is_training", true));

        var result = Converted.Run(g, Feeds(("x:0", TestTensor.Float([2, 1, 1, 2], 1, 4, 3, 8))), "bn:0");

        // channel 0: mean 2, std 1; channel 1: mean 6, std 2
        Converted.AssertClose(TestTensor.Float([2, 1, 1, 2], -1, 9, 1, 11), result["bn:0"], 1e-5, 1e-5);
    }
}
