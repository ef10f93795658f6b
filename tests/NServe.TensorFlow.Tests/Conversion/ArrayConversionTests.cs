using NServe.Core.Tensors;
using Tensorflow;
using static NServe.TensorFlow.Tests.Conversion.ElementwiseConversionTests;

namespace NServe.TensorFlow.Tests.Conversion;

public sealed class ArrayConversionTests
{
    [OracleFact]
    public void TileRepeats()
    {
        var g = new TfGraphBuilder();
        g.Placeholder("x", TensorDataType.Float, [-1, 2]);
        g.Const("multiples", TestTensor.Int32([2], 2, 3));
        g.Op("Tile", "y", ["x", "multiples"], Attr.T(DataType.DtFloat));

        var result = Converted.AgreeWithOracle(g, Feeds(("x:0", TestTensor.Float([2, 2], 1, 2, 3, 4))), ["y:0"]);

        Assert.Equal([4L, 6], result["y:0"].Shape);
    }

    [OracleTheory]
    [InlineData(new[] { 0 })]
    [InlineData(new[] { 1 })]
    [InlineData(new[] { -1, 0 })]
    public void ReverseV2FlipsAxes(int[] axes)
    {
        var g = new TfGraphBuilder();
        g.Placeholder("x", TensorDataType.Float, [-1, 3]);
        g.Const("axes", TestTensor.Int32([axes.Length], axes));
        g.Op("ReverseV2", "y", ["x", "axes"], Attr.T(DataType.DtFloat), Attr.Type("Tidx", DataType.DtInt32));

        Converted.AgreeWithOracle(g, Feeds(("x:0", TestTensor.Float([2, 3], 1, 2, 3, 4, 5, 6))), ["y:0"]);
    }

    [OracleFact]
    public void PadPadV2AndMirrorPad()
    {
        var g = new TfGraphBuilder();
        g.Placeholder("x", TensorDataType.Float, [2, 3]);
        g.Const("paddings", TestTensor.Int32([2, 2], 1, 0, 2, 1));
        g.Const("value", TestTensor.Float([], 7));
        g.Op("Pad", "pad", ["x", "paddings"], Attr.T(DataType.DtFloat), Attr.Type("Tpaddings", DataType.DtInt32));
        g.Op("PadV2", "padv2", ["x", "paddings", "value"], Attr.T(DataType.DtFloat), Attr.Type("Tpaddings", DataType.DtInt32));
        g.Op("MirrorPad", "mirror", ["x", "paddings"], Attr.T(DataType.DtFloat), Attr.Type("Tpaddings", DataType.DtInt32), Attr.Str("mode", "REFLECT"));

        Converted.AgreeWithOracle(g, Feeds(("x:0", TestTensor.Float([2, 3], 1, 2, 3, 4, 5, 6))), ["pad:0", "padv2:0", "mirror:0"]);
    }

    [Fact]
    public void PadWithRunTimePaddings()
    {
        var g = new TfGraphBuilder();
        g.Placeholder("x", TensorDataType.Float, [-1]);
        g.Placeholder("paddings", TensorDataType.Int32, [1, 2]);
        g.Op("Pad", "y", ["x", "paddings"], Attr.T(DataType.DtFloat), Attr.Type("Tpaddings", DataType.DtInt32));

        var result = Converted.Run(g, Feeds(("x:0", TestTensor.Float([2], 1, 2)), ("paddings:0", TestTensor.Int32([1, 2], 2, 1))), "y:0");

        Converted.AssertClose(TestTensor.Float([5], 0, 0, 1, 2, 0), result["y:0"]);
    }

    [OracleFact]
    public void ClipByValueWithScalarBounds()
    {
        var g = new TfGraphBuilder();
        g.Placeholder("x", TensorDataType.Float, [-1, 3]);
        g.Const("low", TestTensor.Float([], -1));
        g.Const("high", TestTensor.Float([], 1));
        g.Op("ClipByValue", "y", ["x", "low", "high"], Attr.T(DataType.DtFloat));

        Converted.AgreeWithOracle(g, Feeds(("x:0", TestTensor.Float([2, 3], -5, -0.5f, 0.5f, 3, 0.25f, -3))), ["y:0"]);
    }

    // TensorFlow broadcasts tensor bounds (TensorFlow.js takes only scalars, so this is checked by hand).
    [Fact]
    public void ClipByValueWithTensorBounds()
    {
        var g = new TfGraphBuilder();
        g.Placeholder("x", TensorDataType.Float, [-1, 3]);
        g.Const("low", TestTensor.Float([3], 0, -1, -2));
        g.Const("high", TestTensor.Float([], 1));
        g.Op("ClipByValue", "y", ["x", "low", "high"], Attr.T(DataType.DtFloat));

        var result = Converted.Run(g, Feeds(("x:0", TestTensor.Float([2, 3], -5, -0.5f, 0.5f, 3, 0.25f, -3))), "y:0");

        Converted.AssertClose(TestTensor.Float([2, 3], 0, -0.5f, 0.5f, 1, 0.25f, -2), result["y:0"]);
    }

    [OracleTheory]
    [InlineData(DataType.DtFloat, DataType.DtInt32)]
    [InlineData(DataType.DtInt32, DataType.DtFloat)]
    [InlineData(DataType.DtFloat, DataType.DtBool)]
    [InlineData(DataType.DtBool, DataType.DtFloat)]
    public void CastConvertsLikeTensorFlow(DataType from, DataType to)
    {
        var g = new TfGraphBuilder();
        g.Placeholder("x", (TensorDataType)from, [-1]);
        g.Op("Cast", "y", ["x"], Attr.Type("SrcT", from), Attr.Type("DstT", to));
        var x = from switch
        {
            DataType.DtFloat => TestTensor.Float([5], -2.7f, -0.5f, 0, 0.5f, 2.7f),
            DataType.DtBool => TestTensor.Bool([5], true, false, true, true, false),
            _ => TestTensor.Int32([5], -3, 0, 1, 2, 100),
        };

        var result = Converted.AgreeWithOracle(g, Feeds(("x:0", x)), ["y:0"]);

        Assert.Equal((TensorDataType)to, result["y:0"].Type);
    }

    [Fact]
    public void CastFromFloatTruncatesTowardZeroAndStringToNumberParses()
    {
        var g = new TfGraphBuilder();
        g.Placeholder("x", TensorDataType.Float, [-1]);
        g.Op("Cast", "y", ["x"], Attr.Type("SrcT", DataType.DtFloat), Attr.Type("DstT", DataType.DtInt64));
        g.Placeholder("s", TensorDataType.String, [-1]);
        g.Op("StringToNumber", "n", ["s"], Attr.Type("out_type", DataType.DtFloat));

        var result = Converted.Run(g, Feeds(("x:0", TestTensor.Float([4], -2.7f, -0.5f, 0.5f, 2.7f)), ("s:0", TestTensor.Text([3], "3.25", "-1e3", "7"))), "y:0", "n:0");

        Converted.AssertClose(TestTensor.Int64([4], -2, 0, 0, 2), result["y:0"]);
        Converted.AssertClose(TestTensor.Float([3], 3.25f, -1000, 7), result["n:0"]);
    }
}
