using NServe.Core.Tensors;
using Tensorflow;
using static NServe.TensorFlow.Tests.Conversion.ElementwiseConversionTests;

namespace NServe.TensorFlow.Tests.Conversion;

public sealed class ComparisonConversionTests
{
    [OracleTheory]
    [InlineData("Equal", DataType.DtFloat)]
    [InlineData("NotEqual", DataType.DtFloat)]
    [InlineData("Less", DataType.DtFloat)]
    [InlineData("LessEqual", DataType.DtFloat)]
    [InlineData("Greater", DataType.DtFloat)]
    [InlineData("GreaterEqual", DataType.DtFloat)]
    [InlineData("Equal", DataType.DtInt32)]
    [InlineData("Less", DataType.DtInt32)]
    [InlineData("GreaterEqual", DataType.DtInt32)]
    public void ComparisonsBroadcastAndGiveBool(string op, DataType type)
    {
        var g = new TfGraphBuilder();
        g.Placeholder("a", (TensorDataType)type, [-1, 1]);
        g.Placeholder("b", (TensorDataType)type, [3]);
        g.Op(op, "y", ["a", "b"], Attr.T(type));
        var a = new TestTensor((TensorDataType)type, [3, 1], [1, 2, 3]);
        var b = new TestTensor((TensorDataType)type, [3], [2, 2, 1]);

        var result = Converted.AgreeWithOracle(g, Feeds(("a:0", a), ("b:0", b)), ["y:0"]);

        Assert.Equal(TensorDataType.Bool, result["y:0"].Type);
        Assert.Equal([3L, 3], result["y:0"].Shape);
    }

    [Fact]
    public void StringsCompareForEquality()
    {
        var g = new TfGraphBuilder();
        g.Placeholder("a", TensorDataType.String, [-1]);
        g.Const("b", TestTensor.Text([], "cat"));
        g.Op("Equal", "eq", ["a", "b"], Attr.T(DataType.DtString));
        g.Op("NotEqual", "ne", ["a", "b"], Attr.T(DataType.DtString));

        var result = Converted.Run(g, Feeds(("a:0", TestTensor.Text([3], "cat", "dog", ""))), "eq:0", "ne:0");

        Converted.AssertClose(TestTensor.Bool([3], true, false, false), result["eq:0"]);
        Converted.AssertClose(TestTensor.Bool([3], false, true, true), result["ne:0"]);
    }

    [Fact]
    public void ApproximateEqualUsesTheTolerance()
    {
        var g = new TfGraphBuilder();
        g.Placeholder("a", TensorDataType.Float, [-1]);
        g.Placeholder("b", TensorDataType.Float, [-1]);
        g.Op("ApproximateEqual", "y", ["a", "b"], Attr.T(DataType.DtFloat), Attr.Float("tolerance", 0.1f));

        var result = Converted.Run(g, Feeds(("a:0", TestTensor.Float([3], 1, 1, 1)), ("b:0", TestTensor.Float([3], 1.05f, 1.2f, 0.95f))), "y:0");

        Converted.AssertClose(TestTensor.Bool([3], true, false, true), result["y:0"]);
    }
}
