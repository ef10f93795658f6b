using NServe.TensorFlow.Conversion;
using NServe.TensorFlow.Tests.Conversion;
using Tensorflow;

namespace NServe.TensorFlow.Tests.Fuzz;

/// <summary>
/// Found by AFL++ (fuzz target graph-conversion): a binary op (AddV2, Mul, ...) mutated to a single constant
/// input made constant folding index a second input that was not there (IndexOutOfRangeException). Folding now
/// leaves such a node to its converter, which reports it as unsupported.
/// </summary>
public class ConstantFoldingArityFuzzRegressionTests
{
    [Theory]
    [InlineData("AddV2")]
    [InlineData("Mul")]
    [InlineData("FloorMod")]
    public void A_binary_op_with_one_constant_input_is_reported_not_crashed(string opType)
    {
        var graph = new TfGraphBuilder();
        var c = graph.Const("c", TestTensor.Int32([2], 1, 2));
        graph.Op(opType, "y", [c], Attr.T(DataType.DtInt32));

        var error = Assert.Throws<UnsupportedOpsException>(() => GraphConverter.Convert(graph.Prepare(new Dictionary<string, TestTensor>(), ["y:0"])));

        Assert.Contains(opType, error.Message, StringComparison.Ordinal);
    }
}
