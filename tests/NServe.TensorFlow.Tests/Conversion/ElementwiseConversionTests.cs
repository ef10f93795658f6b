using NServe.Core.Tensors;
using Tensorflow;

namespace NServe.TensorFlow.Tests.Conversion;

public sealed class ElementwiseConversionTests
{
    [Fact]
    public void AddBroadcastsAVectorOverRows()
    {
        var g = new TfGraphBuilder();
        g.Placeholder("x", TensorDataType.Float, [-1, 3]);
        g.Const("b", TestTensor.Float([3], 10, 20, 30));
        g.Op("AddV2", "y", ["x", "b"], Attr.T(DataType.DtFloat));

        var result = Converted.Run(g, Feeds(("x:0", TestTensor.Float([2, 3], 1, 2, 3, 4, 5, 6))), "y:0");

        Converted.AssertClose(TestTensor.Float([2, 3], 11, 22, 33, 14, 25, 36), result["y:0"]);
    }

    [OracleTheory]
    [InlineData("Add")]
    [InlineData("AddV2")]
    [InlineData("Sub")]
    [InlineData("Mul")]
    [InlineData("RealDiv")]
    [InlineData("Div")]
    [InlineData("Maximum")]
    [InlineData("Minimum")]
    [InlineData("SquaredDifference")]
    [InlineData("FloorDiv")]
    [InlineData("FloorMod")]
    [InlineData("DivNoNan")]
    public void FloatBinaryOpsBroadcastLikeTensorFlow(string op)
    {
        var g = new TfGraphBuilder();
        g.Placeholder("x", TensorDataType.Float, [-1, 1, 3]);
        g.Placeholder("z", TensorDataType.Float, [4, 1]);
        g.Op(op, "y", ["x", "z"], Attr.T(DataType.DtFloat));
        var z = TestTensor.RandomFloat([4, 1], 2, -3, 3);
        if (op == "DivNoNan")
        {
            z.Numbers[1] = 0; // the oracle's JSON cannot carry the ±inf other divisions give
        }

        var result = Converted.AgreeWithOracle(g, Feeds(("x:0", TestTensor.RandomFloat([2, 1, 3], 1, -5, 5)), ("z:0", z)), ["y:0"]);

        Assert.Equal([2L, 4, 3], result["y:0"].Shape);
    }

    [OracleFact]
    public void PowMatchesTensorFlow()
    {
        var g = new TfGraphBuilder();
        g.Placeholder("x", TensorDataType.Float, [3]);
        g.Const("p", TestTensor.Float([2, 1], 2, 0.5f));
        g.Op("Pow", "y", ["x", "p"], Attr.T(DataType.DtFloat));

        Converted.AgreeWithOracle(g, Feeds(("x:0", TestTensor.Float([3], 1, 4, 9))), ["y:0"]);
    }

    // TensorFlow floors integer division and gives the remainder the divisor's sign; ONNX Div truncates.
    [OracleFact]
    public void IntegerFloorDivAndFloorModRoundTowardNegativeInfinity()
    {
        var g = new TfGraphBuilder();
        g.Placeholder("a", TensorDataType.Int32, [-1]);
        g.Placeholder("b", TensorDataType.Int32, [-1]);
        g.Op("FloorDiv", "q", ["a", "b"], Attr.T(DataType.DtInt32));
        g.Op("FloorMod", "r", ["a", "b"], Attr.T(DataType.DtInt32));
        var feeds = Feeds(
            ("a:0", TestTensor.Int32([8], 7, -7, 7, -7, 6, -6, 0, 1)),
            ("b:0", TestTensor.Int32([8], 2, 2, -2, -2, 3, 3, 5, -5)));

        var result = Converted.AgreeWithOracle(g, feeds, ["q:0", "r:0"]);

        Converted.AssertClose(TestTensor.Int32([8], 3, -4, -4, 3, 2, -2, 0, -1), result["q:0"]);
        Converted.AssertClose(TestTensor.Int32([8], 1, 1, -1, -1, 0, 0, 0, -4), result["r:0"]);
    }

    [Fact]
    public void IntegerTruncateDivAndTruncateModRoundTowardZero()
    {
        var g = new TfGraphBuilder();
        g.Placeholder("a", TensorDataType.Int64, [-1]);
        g.Placeholder("b", TensorDataType.Int64, [-1]);
        g.Op("TruncateDiv", "q", ["a", "b"], Attr.T(DataType.DtInt64));
        g.Op("TruncateMod", "r", ["a", "b"], Attr.T(DataType.DtInt64));
        g.Op("Div", "d", ["a", "b"], Attr.T(DataType.DtInt64));

        var result = Converted.Run(g, Feeds(("a:0", TestTensor.Int64([4], 7, -7, 7, -7)), ("b:0", TestTensor.Int64([4], 2, 2, -2, -2))), "q:0", "r:0", "d:0");

        Converted.AssertClose(TestTensor.Int64([4], 3, -3, -3, 3), result["q:0"]);
        Converted.AssertClose(TestTensor.Int64([4], 1, -1, 1, -1), result["r:0"]);
        Converted.AssertClose(TestTensor.Int64([4], 3, -3, -3, 3), result["d:0"]);
    }

    [Fact]
    public void FloatFloorModTakesTheDivisorsSign()
    {
        var g = new TfGraphBuilder();
        g.Placeholder("a", TensorDataType.Float, [-1]);
        g.Placeholder("b", TensorDataType.Float, [-1]);
        g.Op("FloorMod", "r", ["a", "b"], Attr.T(DataType.DtFloat));
        g.Op("TruncateDiv", "t", ["a", "b"], Attr.T(DataType.DtFloat));

        var result = Converted.Run(g, Feeds(("a:0", TestTensor.Float([4], 7.5f, -7.5f, 7.5f, -6f)), ("b:0", TestTensor.Float([4], 2, 2, -2, 3))), "r:0", "t:0");

        Converted.AssertClose(TestTensor.Float([4], 1.5f, 0.5f, -0.5f, 0), result["r:0"]);
        Converted.AssertClose(TestTensor.Float([4], 3, -3, -3, -2), result["t:0"]);
    }

    // ORT's Mul has no uint8 kernel: the converter widens, multiplies, and casts back (wrapping as TensorFlow does).
    [Fact]
    public void Uint8ArithmeticIsWidenedAndWraps()
    {
        var g = new TfGraphBuilder();
        g.Placeholder("x", TensorDataType.UInt8, [-1]);
        g.Const("k", TestTensor.UInt8([], 3));
        g.Op("Mul", "y", ["x", "k"], Attr.T(DataType.DtUint8));

        var result = Converted.Run(g, Feeds(("x:0", TestTensor.UInt8([3], 2, 100, 255))), "y:0");

        Converted.AssertClose(TestTensor.UInt8([3], 6, 44, 253), result["y:0"]);
    }

    [OracleFact]
    public void AddNSumsAllInputs()
    {
        var g = new TfGraphBuilder();
        g.Placeholder("a", TensorDataType.Float, [2]);
        g.Placeholder("b", TensorDataType.Float, [2]);
        g.Const("c", TestTensor.Float([2], 10, 20));
        g.Op("AddN", "y", ["a", "b", "c"], Attr.T(DataType.DtFloat), Attr.Int("N", 3));

        var result = Converted.AgreeWithOracle(g, Feeds(("a:0", TestTensor.Float([2], 1, 2)), ("b:0", TestTensor.Float([2], 3, 4))), ["y:0"]);

        Converted.AssertClose(TestTensor.Float([2], 14, 26), result["y:0"]);
    }

    [OracleFact]
    public void LogicalOpsBroadcast()
    {
        var g = new TfGraphBuilder();
        g.Placeholder("a", TensorDataType.Bool, [2, 1]);
        g.Placeholder("b", TensorDataType.Bool, [2]);
        g.Op("LogicalAnd", "and", ["a", "b"]);
        g.Op("LogicalOr", "or", ["a", "b"]);
        g.Op("LogicalNot", "not", ["b"]);

        Converted.AgreeWithOracle(g, Feeds(("a:0", TestTensor.Bool([2, 1], true, false)), ("b:0", TestTensor.Bool([2], true, false))), ["and:0", "or:0", "not:0"]);
    }

    internal static Dictionary<string, TestTensor> Feeds(params (string Name, TestTensor Value)[] feeds)
        => feeds.ToDictionary(f => f.Name, f => f.Value);
}
