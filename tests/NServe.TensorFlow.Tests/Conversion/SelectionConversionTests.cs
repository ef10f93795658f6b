using NServe.Core.Tensors;
using Tensorflow;
using static NServe.TensorFlow.Tests.Conversion.ElementwiseConversionTests;

namespace NServe.TensorFlow.Tests.Conversion;

public sealed class SelectionConversionTests
{
    // TF1 Select with a vector condition picks whole rows (TensorFlow.js lacks this form: checked by hand).
    [Fact]
    public void SelectWithAVectorConditionPicksRows()
    {
        var g = new TfGraphBuilder();
        g.Placeholder("c", TensorDataType.Bool, [2]);
        g.Placeholder("a", TensorDataType.Float, [2, 3]);
        g.Placeholder("b", TensorDataType.Float, [2, 3]);
        g.Op("Select", "y", ["c", "a", "b"], Attr.T(DataType.DtFloat));

        var result = Converted.Run(g, Feeds(("c:0", TestTensor.Bool([2], false, true)), ("a:0", TestTensor.Float([2, 3], 1, 2, 3, 4, 5, 6)), ("b:0", TestTensor.Float([2, 3], -1, -2, -3, -4, -5, -6))), "y:0");

        Converted.AssertClose(TestTensor.Float([2, 3], -1, -2, -3, 4, 5, 6), result["y:0"]);
    }

    [OracleFact]
    public void SelectElementwiseAndSelectV2Broadcast()
    {
        var g = new TfGraphBuilder();
        g.Placeholder("c", TensorDataType.Bool, [2, 2]);
        g.Placeholder("a", TensorDataType.Float, [2, 2]);
        g.Const("zero", TestTensor.Float([], 0));
        g.Op("Select", "same", ["c", "a", "a"], Attr.T(DataType.DtFloat));
        g.Op("SelectV2", "v2", ["c", "a", "zero"], Attr.T(DataType.DtFloat));

        Converted.AgreeWithOracle(g, Feeds(("c:0", TestTensor.Bool([2, 2], true, false, false, true)), ("a:0", TestTensor.Float([2, 2], 1, 2, 3, 4))), ["same:0", "v2:0"]);
    }

    [OracleFact]
    public void WhereGivesCoordinatesOfTrueElements()
    {
        var g = new TfGraphBuilder();
        g.Placeholder("c", TensorDataType.Bool, [2, 3]);
        g.Op("Where", "y", ["c"], Attr.T(DataType.DtBool));

        var result = Converted.AgreeWithOracle(g, Feeds(("c:0", TestTensor.Bool([2, 3], true, false, true, false, false, true))), ["y:0"]);

        Converted.AssertClose(TestTensor.Int64([3, 2], 0, 0, 0, 2, 1, 2), result["y:0"]);
    }
}
