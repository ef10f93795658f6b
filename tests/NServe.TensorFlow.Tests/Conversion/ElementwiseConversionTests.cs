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
        var feeds = new Dictionary<string, TestTensor> { ["x:0"] = TestTensor.Float([2, 3], 1, 2, 3, 4, 5, 6) };

        var result = Converted.Run(g, feeds, "y:0");

        Converted.AssertClose(TestTensor.Float([2, 3], 11, 22, 33, 14, 25, 36), result["y:0"]);
    }

    [OracleFact]
    public void AddBroadcastsLikeTensorFlow()
    {
        var g = new TfGraphBuilder();
        g.Placeholder("x", TensorDataType.Float, [-1, 1, 3]);
        g.Placeholder("z", TensorDataType.Float, [4, 1]);
        g.Op("AddV2", "y", ["x", "z"], Attr.T(DataType.DtFloat));
        var feeds = new Dictionary<string, TestTensor>
        {
            ["x:0"] = TestTensor.RandomFloat([2, 1, 3], 1),
            ["z:0"] = TestTensor.RandomFloat([4, 1], 2),
        };

        var result = Converted.AgreeWithOracle(g, feeds, ["y:0"]);

        Assert.Equal([2L, 4, 3], result["y:0"].Shape);
    }
}
