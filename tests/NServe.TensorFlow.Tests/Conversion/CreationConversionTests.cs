using NServe.Core.Tensors;
using Tensorflow;
using static NServe.TensorFlow.Tests.Conversion.ElementwiseConversionTests;

namespace NServe.TensorFlow.Tests.Conversion;

public sealed class CreationConversionTests
{
    // Keras' initial RNN state: zeros of [batch, units], the batch read at run time.
    [OracleFact]
    public void FillWithARunTimeShape()
    {
        var g = new TfGraphBuilder();
        g.Placeholder("x", TensorDataType.Float, [-1, 3]);
        g.Op("Shape", "shape", ["x"], Attr.T(DataType.DtFloat));
        g.Const("value", TestTensor.Float([], 1.5f));
        g.Op("Fill", "y", ["shape", "value"], Attr.T(DataType.DtFloat), Attr.Type("index_type", DataType.DtInt32));

        var result = Converted.AgreeWithOracle(g, Feeds(("x:0", TestTensor.RandomFloat([2, 3], 1))), ["y:0"]);

        Converted.AssertClose(TestTensor.Float([2, 3], 1.5f, 1.5f, 1.5f, 1.5f, 1.5f, 1.5f), result["y:0"]);
    }

    [OracleFact]
    public void ZerosLikeAndOnesLike()
    {
        var g = new TfGraphBuilder();
        g.Placeholder("x", TensorDataType.Int32, [-1]);
        g.Op("ZerosLike", "z", ["x"], Attr.T(DataType.DtInt32));
        g.Op("OnesLike", "o", ["x"], Attr.T(DataType.DtInt32));

        var result = Converted.AgreeWithOracle(g, Feeds(("x:0", TestTensor.Int32([3], 4, 5, 6))), ["z:0", "o:0"]);

        Converted.AssertClose(TestTensor.Int32([3], 0, 0, 0), result["z:0"]);
        Converted.AssertClose(TestTensor.Int32([3], 1, 1, 1), result["o:0"]);
    }

    [OracleTheory]
    [InlineData(0, 10, 3)]
    [InlineData(5, -4, -2)]
    [InlineData(3, 3, 1)]
    public void RangeOfIntegers(int start, int limit, int delta)
    {
        var g = new TfGraphBuilder();
        g.Placeholder("start", TensorDataType.Int32, []);
        g.Const("limit", TestTensor.Int32([], limit));
        g.Const("delta", TestTensor.Int32([], delta));
        g.Op("Range", "y", ["start", "limit", "delta"], Attr.Type("Tidx", DataType.DtInt32));

        Converted.AgreeWithOracle(g, Feeds(("start:0", TestTensor.Int32([], start))), ["y:0"]);
    }

    [OracleFact]
    public void RangeOfFloats()
    {
        var g = new TfGraphBuilder();
        g.Placeholder("start", TensorDataType.Float, []);
        g.Const("limit", TestTensor.Float([], 2));
        g.Const("delta", TestTensor.Float([], 0.5f));
        g.Op("Range", "y", ["start", "limit", "delta"], Attr.Type("Tidx", DataType.DtFloat));

        Converted.AgreeWithOracle(g, Feeds(("start:0", TestTensor.Float([], -0.25f))), ["y:0"]);
    }

    // A negative or too large index gives a row of off_value in TensorFlow.
    [Theory]
    [InlineData(-1)]
    [InlineData(0)]
    public void OneHotLeavesOutOfRangeIndicesOff(int axis)
    {
        var g = new TfGraphBuilder();
        g.Placeholder("indices", TensorDataType.Int32, [-1]);
        g.Const("depth", TestTensor.Int32([], 3));
        g.Const("on", TestTensor.Float([], 5));
        g.Const("off", TestTensor.Float([], -1));
        g.Op("OneHot", "y", ["indices", "depth", "on", "off"], Attr.T(DataType.DtFloat), Attr.Type("TI", DataType.DtInt32), Attr.Int("axis", axis));

        var result = Converted.Run(g, Feeds(("indices:0", TestTensor.Int32([4], 0, 2, -1, 3))), "y:0");

        var expected = TestTensor.Float([4, 3], 5, -1, -1, -1, -1, 5, -1, -1, -1, -1, -1, -1);
        if (axis == 0)
        {
            expected = TestTensor.Float([3, 4], 5, -1, -1, -1, -1, -1, -1, -1, -1, 5, -1, -1);
        }

        Converted.AssertClose(expected, result["y:0"]);
    }
}
