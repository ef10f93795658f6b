using NServe.Core.Tensors;
using Tensorflow;
using static NServe.TensorFlow.Tests.Conversion.ElementwiseConversionTests;

namespace NServe.TensorFlow.Tests.Conversion;

public sealed class ReductionConversionTests
{
    public static TheoryData<string, int[], bool> Cases()
    {
        var data = new TheoryData<string, int[], bool>();
        foreach (var op in new[] { "Sum", "Mean", "Max", "Min", "Prod" })
        {
            data.Add(op, [1], false);
            data.Add(op, [-1], true);
            data.Add(op, [0, 2], false);
            data.Add(op, [0, 1, 2], true);
        }

        return data;
    }

    [OracleTheory]
    [MemberData(nameof(Cases))]
    public void ReductionsMatchTensorFlow(string op, int[] axes, bool keepDims)
    {
        var g = new TfGraphBuilder();
        g.Placeholder("x", TensorDataType.Float, [-1, 3, 4]);
        g.Const("axes", TestTensor.Int32([axes.Length], axes));
        g.Op(op, "y", ["x", "axes"], Attr.T(DataType.DtFloat), Attr.Bool("keep_dims", keepDims));

        Converted.AgreeWithOracle(g, Feeds(("x:0", TestTensor.RandomFloat([2, 3, 4], 71, 0.5f, 1.5f))), ["y:0"], rtol: 1e-5);
    }

    [Fact]
    public void ScalarAxisAndEmptyAxes()
    {
        var g = new TfGraphBuilder();
        g.Placeholder("x", TensorDataType.Float, [-1, 2]);
        g.Const("axis", TestTensor.Int32([], 0));
        g.Const("none", TestTensor.Int32([0]));
        g.Op("Mean", "mean", ["x", "axis"], Attr.T(DataType.DtFloat));
        g.Op("Sum", "same", ["x", "none"], Attr.T(DataType.DtFloat)); // no axes: TensorFlow reduces nothing

        var result = Converted.Run(g, Feeds(("x:0", TestTensor.Float([2, 2], 1, 2, 3, 6))), "mean:0", "same:0");

        Converted.AssertClose(TestTensor.Float([2], 2, 4), result["mean:0"]);
        Converted.AssertClose(TestTensor.Float([2, 2], 1, 2, 3, 6), result["same:0"]);
    }

    [Fact]
    public void RunTimeAxesReduceToo()
    {
        var g = new TfGraphBuilder();
        g.Placeholder("x", TensorDataType.Float, [-1, 2]);
        g.Placeholder("axis", TensorDataType.Int32, []);
        g.Op("Sum", "y", ["x", "axis"], Attr.T(DataType.DtFloat));

        var result = Converted.Run(g, Feeds(("x:0", TestTensor.Float([2, 2], 1, 2, 3, 6)), ("axis:0", TestTensor.Int32([], 1))), "y:0");

        Converted.AssertClose(TestTensor.Float([2], 3, 9), result["y:0"]);
    }

    [OracleFact]
    public void AllAndAnyReduceBooleans()
    {
        var g = new TfGraphBuilder();
        g.Placeholder("x", TensorDataType.Bool, [2, 3]);
        g.Const("axis", TestTensor.Int32([1], 1));
        g.Op("All", "all", ["x", "axis"]);
        g.Op("Any", "any", ["x", "axis"], Attr.Bool("keep_dims", true));

        var result = Converted.AgreeWithOracle(g, Feeds(("x:0", TestTensor.Bool([2, 3], true, true, true, false, true, false))), ["all:0", "any:0"]);

        Converted.AssertClose(TestTensor.Bool([2], true, false), result["all:0"]);
        Converted.AssertClose(TestTensor.Bool([2, 1], true, true), result["any:0"]);
    }

    [Fact]
    public void IntegerSumAndEuclideanNorm()
    {
        var g = new TfGraphBuilder();
        g.Placeholder("i", TensorDataType.Int64, [-1]);
        g.Placeholder("f", TensorDataType.Float, [-1]);
        g.Const("axis", TestTensor.Int32([1], 0));
        g.Op("Sum", "sum", ["i", "axis"], Attr.T(DataType.DtInt64));
        g.Op("EuclideanNorm", "norm", ["f", "axis"], Attr.T(DataType.DtFloat));

        var result = Converted.Run(g, Feeds(("i:0", TestTensor.Int64([3], 5, -2, 4)), ("f:0", TestTensor.Float([2], 3, 4))), "sum:0", "norm:0");

        Converted.AssertClose(TestTensor.Int64([], 7), result["sum:0"]);
        Converted.AssertClose(TestTensor.Float([], 5), result["norm:0"]);
    }
}
