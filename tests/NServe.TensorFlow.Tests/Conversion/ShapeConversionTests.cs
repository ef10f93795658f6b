using NServe.Core.Tensors;
using Tensorflow;
using static NServe.TensorFlow.Tests.Conversion.ElementwiseConversionTests;

namespace NServe.TensorFlow.Tests.Conversion;

public sealed class ShapeConversionTests
{
    [OracleFact]
    public void ReshapeInfersTheMinusOneDimension()
    {
        var g = new TfGraphBuilder();
        g.Placeholder("x", TensorDataType.Float, [-1, 6]);
        g.Const("shape", TestTensor.Int32([3], -1, 2, 3));
        g.Op("Reshape", "y", ["x", "shape"], Attr.T(DataType.DtFloat));

        var result = Converted.AgreeWithOracle(g, Feeds(("x:0", TestTensor.RandomFloat([2, 6], 1))), ["y:0"]);

        Assert.Equal([2L, 2, 3], result["y:0"].Shape);
    }

    // MNIST-style: the batch size read from Shape at run time and packed into the target shape.
    [OracleFact]
    public void ReshapeToARunTimeShapeBuiltFromShapeStridedSliceAndPack()
    {
        var g = new TfGraphBuilder();
        g.Placeholder("x", TensorDataType.Float, [-1, 2, 2]);
        g.Op("Shape", "shape", ["x"], Attr.T(DataType.DtFloat));
        g.Const("begin", TestTensor.Int32([1], 0));
        g.Const("end", TestTensor.Int32([1], 1));
        g.Const("stride", TestTensor.Int32([1], 1));
        g.Op("StridedSlice", "batch", ["shape", "begin", "end", "stride"], Attr.T(DataType.DtInt32), Attr.Type("Index", DataType.DtInt32), Attr.Int("shrink_axis_mask", 1));
        g.Const("four", TestTensor.Int32([], 4));
        g.Op("Pack", "target", ["batch", "four"], Attr.T(DataType.DtInt32), Attr.Int("N", 2));
        g.Op("Reshape", "y", ["x", "target"], Attr.T(DataType.DtFloat));

        var result = Converted.AgreeWithOracle(g, Feeds(("x:0", TestTensor.RandomFloat([3, 2, 2], 2))), ["y:0", "target:0", "shape:0"]);

        Converted.AssertClose(TestTensor.Int32([2], 3, 4), result["target:0"]);
        Converted.AssertClose(TestTensor.Int32([3], 3, 2, 2), result["shape:0"]);
    }

    [Fact]
    public void ReshapeToAZeroSizedDimensionKeepsItZero()
    {
        var g = new TfGraphBuilder();
        g.Placeholder("x", TensorDataType.Float, [-1]);
        g.Const("shape", TestTensor.Int32([2], 0, 5));
        g.Op("Reshape", "y", ["x", "shape"], Attr.T(DataType.DtFloat));

        var result = Converted.Run(g, Feeds(("x:0", TestTensor.Float([0]))), "y:0");

        Assert.Equal([0L, 5], result["y:0"].Shape);
    }

    [OracleFact]
    public void SqueezeAllOrSomeAxes()
    {
        var g = new TfGraphBuilder();
        g.Placeholder("x", TensorDataType.Float, [1, 3, 1, 2, 1]);
        g.Op("Squeeze", "all", ["x"], Attr.T(DataType.DtFloat));
        g.Op("Squeeze", "some", ["x"], Attr.T(DataType.DtFloat), Attr.Ints("squeeze_dims", 0, -1));

        var result = Converted.AgreeWithOracle(g, Feeds(("x:0", TestTensor.RandomFloat([1, 3, 1, 2, 1], 3))), ["all:0", "some:0"]);

        Assert.Equal([3L, 2], result["all:0"].Shape);
        Assert.Equal([3L, 1, 2], result["some:0"].Shape);
    }

    [OracleTheory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(-1)]
    [InlineData(-3)]
    public void ExpandDimsAcceptsNegativeAxes(int axis)
    {
        var g = new TfGraphBuilder();
        g.Placeholder("x", TensorDataType.Float, [-1, 3]);
        g.Const("axis", TestTensor.Int32([], axis));
        g.Op("ExpandDims", "y", ["x", "axis"], Attr.T(DataType.DtFloat));

        Converted.AgreeWithOracle(g, Feeds(("x:0", TestTensor.RandomFloat([2, 3], 4))), ["y:0"]);
    }

    [OracleFact]
    public void TransposePermutesDims()
    {
        var g = new TfGraphBuilder();
        g.Placeholder("x", TensorDataType.Float, [-1, 3, 4]);
        g.Const("perm", TestTensor.Int32([3], 2, 0, 1));
        g.Op("Transpose", "y", ["x", "perm"], Attr.T(DataType.DtFloat));

        var result = Converted.AgreeWithOracle(g, Feeds(("x:0", TestTensor.RandomFloat([2, 3, 4], 5))), ["y:0"]);

        Assert.Equal([4L, 2, 3], result["y:0"].Shape);
    }

    // tf.transpose without perm builds perm = (rank - 1) - range(rank) at run time; with a known rank it folds.
    [Fact]
    public void TransposeWithAComputedReversePermFolds()
    {
        var g = new TfGraphBuilder();
        g.Placeholder("x", TensorDataType.Float, [-1, 3]);
        g.Op("Rank", "rank", ["x"], Attr.T(DataType.DtFloat));
        g.Const("one", TestTensor.Int32([], 1));
        g.Const("zero", TestTensor.Int32([], 0));
        g.Op("Sub", "last", ["rank", "one"], Attr.T(DataType.DtInt32));
        g.Op("Range", "range", ["zero", "rank", "one"], Attr.Type("Tidx", DataType.DtInt32));
        g.Op("Sub", "perm", ["last", "range"], Attr.T(DataType.DtInt32));
        g.Op("Transpose", "y", ["x", "perm"], Attr.T(DataType.DtFloat));

        var result = Converted.Run(g, Feeds(("x:0", TestTensor.Float([2, 3], 1, 2, 3, 4, 5, 6))), "y:0");

        Converted.AssertClose(TestTensor.Float([3, 2], 1, 4, 2, 5, 3, 6), result["y:0"]);
    }

    [OracleFact]
    public void ShapeSizeAndRankOfARunTimeShape()
    {
        var g = new TfGraphBuilder();
        g.Placeholder("x", TensorDataType.Float, [-1, 3]);
        g.Op("Shape", "shape", ["x"], Attr.T(DataType.DtFloat));
        g.Op("Size", "size", ["x"], Attr.T(DataType.DtFloat));
        g.Op("Rank", "rank", ["x"], Attr.T(DataType.DtFloat));

        var result = Converted.AgreeWithOracle(g, Feeds(("x:0", TestTensor.RandomFloat([5, 3], 6))), ["shape:0", "size:0", "rank:0"]);

        Converted.AssertClose(TestTensor.Int32([2], 5, 3), result["shape:0"]);
        Converted.AssertClose(TestTensor.Int32([], 15), result["size:0"]);
        Converted.AssertClose(TestTensor.Int32([], 2), result["rank:0"]);
    }

    [Fact]
    public void ShapeCanBeInt64()
    {
        var g = new TfGraphBuilder();
        g.Placeholder("x", TensorDataType.Float, null);
        g.Op("Shape", "shape", ["x"], Attr.T(DataType.DtFloat), Attr.Type("out_type", DataType.DtInt64));

        var result = Converted.Run(g, Feeds(("x:0", TestTensor.Float([2, 1, 3], 1, 2, 3, 4, 5, 6))), "shape:0");

        Converted.AssertClose(TestTensor.Int64([3], 2, 1, 3), result["shape:0"]);
    }

    [OracleFact]
    public void BroadcastToExpands()
    {
        var g = new TfGraphBuilder();
        g.Placeholder("x", TensorDataType.Float, [3, 1]);
        g.Const("shape", TestTensor.Int32([3], 2, 3, 4));
        g.Op("BroadcastTo", "y", ["x", "shape"], Attr.T(DataType.DtFloat));

        Converted.AgreeWithOracle(g, Feeds(("x:0", TestTensor.Float([3, 1], 1, 2, 3))), ["y:0"]);
    }
}
