using NServe.Core.Tensors;
using Tensorflow;
using static NServe.TensorFlow.Tests.Conversion.ElementwiseConversionTests;

namespace NServe.TensorFlow.Tests.Conversion;

/// <summary>Identity-like ops, image resizing, space/depth rearrangement, LRN, Einsum, Cumsum, Unique.</summary>
public sealed class MoreOpsConversionTests
{
    [Fact]
    public void IdentityLikeOpsPassValuesThrough()
    {
        var g = new TfGraphBuilder();
        g.Placeholder("x", TensorDataType.Float, [-1]);
        g.Placeholder("z", TensorDataType.Int32, [-1]);
        g.Op("IdentityN", "n", ["x", "z"], Attr.Types("T", DataType.DtFloat, DataType.DtInt32));
        g.Op("StopGradient", "stop", ["n"], Attr.T(DataType.DtFloat));
        g.Op("Snapshot", "snap", ["n:1"], Attr.T(DataType.DtInt32));
        g.Const("default", TestTensor.Float([2], 7, 8));
        g.Op("PlaceholderWithDefault", "unfed", ["default"], Attr.Type("dtype", DataType.DtFloat));

        var result = Converted.Run(g, Feeds(("x:0", TestTensor.Float([2], 1, 2)), ("z:0", TestTensor.Int32([1], 3))), "stop:0", "snap:0", "unfed:0");

        Converted.AssertClose(TestTensor.Float([2], 1, 2), result["stop:0"]);
        Converted.AssertClose(TestTensor.Int32([1], 3), result["snap:0"]);
        Converted.AssertClose(TestTensor.Float([2], 7, 8), result["unfed:0"]);
    }

    [Fact]
    public void AFedPlaceholderWithDefaultTakesTheFedValue()
    {
        var g = new TfGraphBuilder();
        g.Const("default", TestTensor.Float([1], 7));
        g.Op("PlaceholderWithDefault", "p", ["default"], Attr.Type("dtype", DataType.DtFloat));
        g.Op("Neg", "y", ["p"], Attr.T(DataType.DtFloat));

        var result = Converted.Run(g, Feeds(("p:0", TestTensor.Float([1], 2))), "y:0");

        Converted.AssertClose(TestTensor.Float([1], -2), result["y:0"]);
    }

    [OracleTheory]
    [InlineData("ResizeBilinear", false, false)]
    [InlineData("ResizeBilinear", true, false)]
    [InlineData("ResizeBilinear", false, true)]
    [InlineData("ResizeNearestNeighbor", false, false)]
    [InlineData("ResizeNearestNeighbor", true, false)]
    [InlineData("ResizeNearestNeighbor", false, true)]
    public void ResizeMatchesTensorFlowCoordinateRules(string op, bool alignCorners, bool halfPixel)
    {
        var g = new TfGraphBuilder();
        g.Placeholder("x", TensorDataType.Float, [-1, 3, 4, 2]);
        g.Const("size", TestTensor.Int32([2], 5, 7));
        g.Op(op, "y", ["x", "size"], Attr.T(DataType.DtFloat), Attr.Bool("align_corners", alignCorners), Attr.Bool("half_pixel_centers", halfPixel));

        Converted.AgreeWithOracle(g, Feeds(("x:0", TestTensor.RandomFloat([2, 3, 4, 2], 3))), ["y:0"], rtol: 1e-5, atol: 1e-5);
    }

    [OracleFact]
    public void DepthToSpaceAndBack()
    {
        var g = new TfGraphBuilder();
        g.Placeholder("x", TensorDataType.Float, [1, 2, 3, 8]);
        g.Op("DepthToSpace", "d2s", ["x"], Attr.T(DataType.DtFloat), Attr.Int("block_size", 2), Attr.Str("data_format", "NHWC"));
        g.Op("SpaceToDepth", "s2d", ["d2s"], Attr.T(DataType.DtFloat), Attr.Int("block_size", 2), Attr.Str("data_format", "NHWC"));
        var x = new TestTensor(TensorDataType.Float, [1, 2, 3, 8], Enumerable.Range(0, 48).Select(i => (double)i).ToArray());

        var result = Converted.AgreeWithOracle(g, Feeds(("x:0", x)), ["d2s:0"]);
        var roundTrip = Converted.Run(g, Feeds(("x:0", x)), "s2d:0");

        Assert.Equal([1L, 4, 6, 2], result["d2s:0"].Shape);
        Converted.AssertClose(x, roundTrip["s2d:0"]);
    }

    [OracleFact]
    public void LocalResponseNormalizationMatchesTensorFlow()
    {
        var g = new TfGraphBuilder();
        g.Placeholder("x", TensorDataType.Float, [-1, 2, 2, 7]);
        g.Op("LRN", "y", ["x"], Attr.T(DataType.DtFloat), Attr.Int("depth_radius", 2), Attr.Float("bias", 1.5f), Attr.Float("alpha", 0.3f), Attr.Float("beta", 0.75f));

        Converted.AgreeWithOracle(g, Feeds(("x:0", TestTensor.RandomFloat([1, 2, 2, 7], 4, -2, 2))), ["y:0"], rtol: 1e-5, atol: 1e-6);
    }

    [OracleTheory]
    [InlineData("ij,jk->ik")]
    [InlineData("bij,bkj->bik")]
    [InlineData("ij->ji")]
    public void EinsumMatchesTensorFlow(string equation)
    {
        var g = new TfGraphBuilder();
        var unary = !equation.Contains(',', StringComparison.Ordinal);
        long[] a = equation.StartsWith('b') ? [2, 3, 4] : [3, 4];
        long[] b = equation.StartsWith('b') ? [2, 5, 4] : [4, 5];
        g.Placeholder("a", TensorDataType.Float, a);
        g.Placeholder("b", TensorDataType.Float, b);
        g.Op("Einsum", "y", unary ? ["a"] : ["a", "b"], Attr.T(DataType.DtFloat), Attr.Str("equation", equation), Attr.Int("N", unary ? 1 : 2));
        var feeds = unary
            ? Feeds(("a:0", TestTensor.RandomFloat(a, 1)))
            : Feeds(("a:0", TestTensor.RandomFloat(a, 1)), ("b:0", TestTensor.RandomFloat(b, 2)));

        Converted.AgreeWithOracle(g, feeds, ["y:0"]);
    }

    [OracleTheory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void CumsumHonoursExclusiveAndReverse(bool exclusive, bool reverse)
    {
        var g = new TfGraphBuilder();
        g.Placeholder("x", TensorDataType.Float, [-1, 4]);
        g.Const("axis", TestTensor.Int32([], 1));
        g.Op("Cumsum", "y", ["x", "axis"], Attr.T(DataType.DtFloat), Attr.Bool("exclusive", exclusive), Attr.Bool("reverse", reverse));

        Converted.AgreeWithOracle(g, Feeds(("x:0", TestTensor.Float([2, 4], 1, 2, 3, 4, -1, 5, 0, 2))), ["y:0"]);
    }

    [Fact]
    public void UniqueKeepsFirstAppearanceOrder()
    {
        var g = new TfGraphBuilder();
        g.Placeholder("x", TensorDataType.Int32, [-1]);
        g.Op("Unique", "u", ["x"], Attr.T(DataType.DtInt32), Attr.Type("out_idx", DataType.DtInt32));

        var result = Converted.Run(g, Feeds(("x:0", TestTensor.Int32([7], 4, 1, 4, 2, 1, 1, 7))), "u:0", "u:1");

        Converted.AssertClose(TestTensor.Int32([4], 4, 1, 2, 7), result["u:0"]);
        Converted.AssertClose(TestTensor.Int32([7], 0, 1, 0, 2, 1, 1, 3), result["u:1"]);
    }

    [Fact]
    public void ModIsTheTruncatedRemainder()
    {
        var g = new TfGraphBuilder();
        g.Placeholder("a", TensorDataType.Int32, [-1]);
        g.Const("b", TestTensor.Int32([], 3));
        g.Op("Mod", "y", ["a", "b"], Attr.T(DataType.DtInt32));

        var result = Converted.Run(g, Feeds(("a:0", TestTensor.Int32([3], 7, -7, 6))), "y:0");

        Converted.AssertClose(TestTensor.Int32([3], 1, -1, 0), result["y:0"]);
    }
}
