using NServe.Core.Tensors;
using Tensorflow;
using static NServe.TensorFlow.Tests.Conversion.ElementwiseConversionTests;

namespace NServe.TensorFlow.Tests.Conversion;

public sealed class GatherConversionTests
{
    [OracleTheory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(-1)]
    public void GatherV2TakesIndicesAlongAnAxis(int axis)
    {
        var g = new TfGraphBuilder();
        g.Placeholder("params", TensorDataType.Float, [3, 4]);
        g.Placeholder("indices", TensorDataType.Int32, [2, 2]);
        g.Const("axis", TestTensor.Int32([], axis));
        g.Op("GatherV2", "y", ["params", "indices", "axis"], Attr.Type("Tparams", DataType.DtFloat), Attr.Type("Tindices", DataType.DtInt32), Attr.Type("Taxis", DataType.DtInt32));

        Converted.AgreeWithOracle(g, Feeds(("params:0", TestTensor.RandomFloat([3, 4], 1)), ("indices:0", TestTensor.Int32([2, 2], 2, 0, 1, 1))), ["y:0"]);
    }

    // Embedding lookup over a variable frozen into a Const: ResourceGather's resource input is that Const.
    [Fact]
    public void ResourceGatherReadsRowsOfTheFrozenVariable()
    {
        var g = new TfGraphBuilder();
        g.Const("embeddings", TestTensor.Float([3, 2], 0, 1, 10, 11, 20, 21));
        g.Placeholder("ids", TensorDataType.Int64, [-1]);
        g.Op("ResourceGather", "y", ["embeddings", "ids"], Attr.Type("dtype", DataType.DtFloat), Attr.Type("Tindices", DataType.DtInt64));
        g.Op("Gather", "old", ["embeddings", "ids"], Attr.Type("Tparams", DataType.DtFloat), Attr.Type("Tindices", DataType.DtInt64));

        var result = Converted.Run(g, Feeds(("ids:0", TestTensor.Int64([3], 2, 0, 2))), "y:0", "old:0");

        Converted.AssertClose(TestTensor.Float([3, 2], 20, 21, 0, 1, 20, 21), result["y:0"]);
        Converted.AssertClose(TestTensor.Float([3, 2], 20, 21, 0, 1, 20, 21), result["old:0"]);
    }

    [OracleFact]
    public void GatherNdTakesSlicesByCoordinates()
    {
        var g = new TfGraphBuilder();
        g.Placeholder("params", TensorDataType.Float, [2, 3, 2]);
        g.Const("points", TestTensor.Int32([2, 3], 1, 2, 0, 0, 1, 1));
        g.Const("rows", TestTensor.Int32([2, 1], 1, 0));
        g.Op("GatherNd", "p", ["params", "points"], Attr.Type("Tparams", DataType.DtFloat), Attr.Type("Tindices", DataType.DtInt32));
        g.Op("GatherNd", "r", ["params", "rows"], Attr.Type("Tparams", DataType.DtFloat), Attr.Type("Tindices", DataType.DtInt32));

        Converted.AgreeWithOracle(g, Feeds(("params:0", TestTensor.RandomFloat([2, 3, 2], 2))), ["p:0", "r:0"]);
    }
}
