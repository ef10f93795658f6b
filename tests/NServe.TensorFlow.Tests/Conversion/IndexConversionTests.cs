using NServe.Core.Tensors;
using Tensorflow;
using static NServe.TensorFlow.Tests.Conversion.ElementwiseConversionTests;

namespace NServe.TensorFlow.Tests.Conversion;

public sealed class IndexConversionTests
{
    [OracleTheory]
    [InlineData("ArgMax", 1)]
    [InlineData("ArgMax", 0)]
    [InlineData("ArgMin", -1)]
    public void ArgMaxAndArgMinPickTheFirstOfTies(string op, int axis)
    {
        var g = new TfGraphBuilder();
        g.Placeholder("x", TensorDataType.Float, [-1, 4]);
        g.Const("axis", TestTensor.Int32([], axis));
        g.Op(op, "y", ["x", "axis"], Attr.T(DataType.DtFloat), Attr.Type("output_type", DataType.DtInt32));

        Converted.AgreeWithOracle(g, Feeds(("x:0", TestTensor.Float([3, 4], 1, 3, 3, 0, 5, 5, 5, 5, -1, -2, -3, 7))), ["y:0"]);
    }

    [Fact]
    public void ArgMaxDefaultsToInt64()
    {
        var g = new TfGraphBuilder();
        g.Placeholder("x", TensorDataType.Float, [-1, 3]);
        g.Const("axis", TestTensor.Int32([], 1));
        g.Op("ArgMax", "y", ["x", "axis"], Attr.T(DataType.DtFloat));

        var result = Converted.Run(g, Feeds(("x:0", TestTensor.Float([2, 3], 0, 9, 9, 4, 1, 2))), "y:0");

        Converted.AssertClose(TestTensor.Int64([2], 1, 0), result["y:0"]);
    }

    [OracleFact]
    public void TopKV2GivesSortedValuesAndIndices()
    {
        var g = new TfGraphBuilder();
        g.Placeholder("x", TensorDataType.Float, [-1, 5]);
        g.Const("k", TestTensor.Int32([], 3));
        g.Op("TopKV2", "top", ["x", "k"], Attr.T(DataType.DtFloat), Attr.Bool("sorted", true));

        var result = Converted.AgreeWithOracle(g, Feeds(("x:0", TestTensor.Float([2, 5], 1, 5, 3, 4, 2, -1, -5, 0, 7, 6))), ["top:0", "top:1"]);

        Converted.AssertClose(TestTensor.Int32([2, 3], 1, 3, 2, 3, 4, 2), result["top:1"]);
    }
}
