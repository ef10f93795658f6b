using NServe.Core.Tensors;
using Tensorflow;
using static NServe.TensorFlow.Tests.Conversion.ElementwiseConversionTests;

namespace NServe.TensorFlow.Tests.Conversion;

public sealed class ConcatSplitConversionTests
{
    [OracleTheory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(-1)]
    public void ConcatV2JoinsAlongAnAxis(int axis)
    {
        var g = new TfGraphBuilder();
        g.Placeholder("a", TensorDataType.Float, [2, 2]);
        g.Placeholder("b", TensorDataType.Float, [2, 2]);
        g.Const("c", TestTensor.Float([2, 2], 9, 8, 7, 6));
        g.Const("axis", TestTensor.Int32([], axis));
        g.Op("ConcatV2", "y", ["a", "b", "c", "axis"], Attr.T(DataType.DtFloat), Attr.Int("N", 3), Attr.Type("Tidx", DataType.DtInt32));

        Converted.AgreeWithOracle(g, Feeds(("a:0", TestTensor.Float([2, 2], 1, 2, 3, 4)), ("b:0", TestTensor.Float([2, 2], 5, 6, 7, 8))), ["y:0"]);
    }

    [OracleTheory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(-1)]
    public void PackStacksAlongAnAxis(int axis)
    {
        var g = new TfGraphBuilder();
        g.Placeholder("a", TensorDataType.Float, [2, 3]);
        g.Placeholder("b", TensorDataType.Float, [2, 3]);
        g.Op("Pack", "y", ["a", "b"], Attr.T(DataType.DtFloat), Attr.Int("N", 2), Attr.Int("axis", axis));

        Converted.AgreeWithOracle(g, Feeds(("a:0", TestTensor.RandomFloat([2, 3], 1)), ("b:0", TestTensor.RandomFloat([2, 3], 2))), ["y:0"]);
    }

    [OracleTheory]
    [InlineData(0, 2)]
    [InlineData(1, 3)]
    [InlineData(-1, 3)]
    public void UnpackSplitsIntoSlices(int axis, int num)
    {
        var g = new TfGraphBuilder();
        g.Placeholder("x", TensorDataType.Float, [2, 3, 3]);
        g.Op("Unpack", "u", ["x"], Attr.T(DataType.DtFloat), Attr.Int("num", num), Attr.Int("axis", axis));
        var fetches = Enumerable.Range(0, num).Select(i => $"u:{i}").ToArray();

        Converted.AgreeWithOracle(g, Feeds(("x:0", TestTensor.RandomFloat([2, 3, 3], 3))), fetches);
    }

    [OracleFact]
    public void SplitIntoEqualParts()
    {
        var g = new TfGraphBuilder();
        g.Placeholder("x", TensorDataType.Float, [-1, 6]);
        g.Const("dim", TestTensor.Int32([], 1));
        g.Op("Split", "s", ["dim", "x"], Attr.T(DataType.DtFloat), Attr.Int("num_split", 3));

        Converted.AgreeWithOracle(g, Feeds(("x:0", TestTensor.RandomFloat([2, 6], 4))), ["s:0", "s:1", "s:2"]);
    }

    [OracleFact]
    public void SplitVWithAnInferredPart()
    {
        var g = new TfGraphBuilder();
        g.Placeholder("x", TensorDataType.Float, [2, -1]);
        g.Const("sizes", TestTensor.Int32([3], 1, -1, 2));
        g.Const("dim", TestTensor.Int32([], -1));
        g.Op("SplitV", "s", ["x", "sizes", "dim"], Attr.T(DataType.DtFloat), Attr.Int("num_split", 3), Attr.Type("Tlen", DataType.DtInt32));

        var result = Converted.AgreeWithOracle(g, Feeds(("x:0", TestTensor.RandomFloat([2, 7], 5))), ["s:0", "s:1", "s:2"]);

        Assert.Equal([2L, 4], result["s:1"].Shape);
    }
}
