using NServe.Core.Tensors;
using Tensorflow;
using static NServe.TensorFlow.Tests.Conversion.ElementwiseConversionTests;

namespace NServe.TensorFlow.Tests.Conversion;

public sealed class MatMulConversionTests
{
    [OracleTheory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void MatMulHonoursTransposeFlags(bool transposeA, bool transposeB)
    {
        var g = new TfGraphBuilder();
        g.Placeholder("a", TensorDataType.Float, transposeA ? [3, 2] : [2, 3]);
        g.Const("b", TestTensor.RandomFloat(transposeB ? [4, 3] : [3, 4], 7));
        g.Op("MatMul", "y", ["a", "b"], Attr.T(DataType.DtFloat), Attr.Bool("transpose_a", transposeA), Attr.Bool("transpose_b", transposeB));

        var result = Converted.AgreeWithOracle(g, Feeds(("a:0", TestTensor.RandomFloat(transposeA ? [3, 2] : [2, 3], 8))), ["y:0"]);

        Assert.Equal([2L, 4], result["y:0"].Shape);
    }

    [Fact]
    public void MatMulOfKnownMatrices()
    {
        var g = new TfGraphBuilder();
        g.Placeholder("a", TensorDataType.Float, [-1, 2]);
        g.Const("b", TestTensor.Float([2, 2], 1, 2, 3, 4));
        g.Op("MatMul", "y", ["a", "b"], Attr.T(DataType.DtFloat));

        var result = Converted.Run(g, Feeds(("a:0", TestTensor.Float([1, 2], 5, 6))), "y:0");

        Converted.AssertClose(TestTensor.Float([1, 2], 23, 34), result["y:0"]);
    }

    [OracleTheory]
    [InlineData("BatchMatMulV2", false, false)]
    [InlineData("BatchMatMulV2", true, true)]
    [InlineData("BatchMatMul", false, true)]
    public void BatchMatMulOverEqualBatches(string op, bool adjX, bool adjY)
    {
        var g = new TfGraphBuilder();
        long[] xShape = adjX ? [4, 3, 2] : [4, 2, 3];
        long[] yShape = adjY ? [4, 5, 3] : [4, 3, 5];
        g.Placeholder("x", TensorDataType.Float, xShape);
        g.Placeholder("z", TensorDataType.Float, yShape);
        g.Op(op, "y", ["x", "z"], Attr.T(DataType.DtFloat), Attr.Bool("adj_x", adjX), Attr.Bool("adj_y", adjY));

        Converted.AgreeWithOracle(g, Feeds(("x:0", TestTensor.RandomFloat(xShape, 1)), ("z:0", TestTensor.RandomFloat(yShape, 2))), ["y:0"]);
    }

    // BatchMatMulV2 broadcasts batch dims as NumPy does: [2, 1, 2, 3] x [4, 3, 5] -> [2, 4, 2, 5]. The reference
    // is computed here (TensorFlow.js 4.22 pairs the batches differently).
    [Fact]
    public void BatchMatMulV2BroadcastsBatchDims()
    {
        var g = new TfGraphBuilder();
        g.Placeholder("x", TensorDataType.Float, [2, 1, 2, 3]);
        g.Placeholder("z", TensorDataType.Float, [4, 3, 5]);
        g.Op("BatchMatMulV2", "y", ["x", "z"], Attr.T(DataType.DtFloat));
        var x = TestTensor.RandomFloat([2, 1, 2, 3], 1);
        var z = TestTensor.RandomFloat([4, 3, 5], 2);

        var result = Converted.Run(g, Feeds(("x:0", x), ("z:0", z)), "y:0");

        var expected = new double[2 * 4 * 2 * 5];
        for (var a = 0; a < 2; a++)
        {
            for (var b = 0; b < 4; b++)
            {
                for (var i = 0; i < 2; i++)
                {
                    for (var j = 0; j < 5; j++)
                    {
                        expected[(((((a * 4) + b) * 2) + i) * 5) + j] = Enumerable.Range(0, 3).Sum(k => x.Numbers[(((a * 2) + i) * 3) + k] * z.Numbers[(((b * 3) + k) * 5) + j]);
                    }
                }
            }
        }

        Converted.AssertClose(new TestTensor(TensorDataType.Float, [2, 4, 2, 5], expected), result["y:0"], 1e-5, 1e-5);
    }

    [OracleFact]
    public void BiasAddAddsAlongTheLastAxis()
    {
        var g = new TfGraphBuilder();
        g.Placeholder("x", TensorDataType.Float, [-1, 2, 3]);
        g.Const("b", TestTensor.Float([3], 1, 2, 3));
        g.Op("BiasAdd", "y", ["x", "b"], Attr.T(DataType.DtFloat));

        Converted.AgreeWithOracle(g, Feeds(("x:0", TestTensor.RandomFloat([2, 2, 3], 3))), ["y:0"]);
    }

    [Fact]
    public void BiasAddNchwAddsAlongTheChannelAxis()
    {
        var g = new TfGraphBuilder();
        g.Placeholder("x", TensorDataType.Float, [1, 2, 1, 2]);
        g.Const("b", TestTensor.Float([2], 10, 20));
        g.Op("BiasAdd", "y", ["x", "b"], Attr.T(DataType.DtFloat), Attr.Str("data_format", "NCHW"));

        var result = Converted.Run(g, Feeds(("x:0", TestTensor.Float([1, 2, 1, 2], 1, 2, 3, 4))), "y:0");

        Converted.AssertClose(TestTensor.Float([1, 2, 1, 2], 11, 12, 23, 24), result["y:0"]);
    }

    [Fact]
    public void IntegerMatMulStaysInteger()
    {
        var g = new TfGraphBuilder();
        g.Placeholder("a", TensorDataType.Int32, [2, 2]);
        g.Op("MatMul", "y", ["a", "a"], Attr.T(DataType.DtInt32), Attr.Bool("transpose_b", true));

        var result = Converted.Run(g, Feeds(("a:0", TestTensor.Int32([2, 2], 1, 2, 3, 4))), "y:0");

        Converted.AssertClose(TestTensor.Int32([2, 2], 5, 11, 11, 25), result["y:0"]);
    }
}
