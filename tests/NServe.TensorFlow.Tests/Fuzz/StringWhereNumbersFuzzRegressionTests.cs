using NServe.Core.Tensors;
using NServe.TensorFlow.Conversion;
using NServe.TensorFlow.Tests.Conversion;
using Tensorflow;

namespace NServe.TensorFlow.Tests.Fuzz;

/// <summary>
/// Found by AFL++ (fuzz target graph-conversion, third round): a Transpose whose permutation constant was
/// mutated to a string, and a Relu whose type attribute was mutated to DT_STRING, made the converter throw
/// InvalidOperationException out of its constant handling; folding a Cast to such a type threw
/// ArgumentOutOfRangeException. A string where numbers are needed is now a fault
/// of the node, reported like an unsupported op, so the version fails to load with the node's name.
/// </summary>
public class StringWhereNumbersFuzzRegressionTests
{
    [Fact]
    public void A_transpose_with_a_string_permutation_is_reported_not_crashed()
    {
        var graph = new TfGraphBuilder();
        var x = graph.Placeholder("x", TensorDataType.Float, [2, 3]);
        var perm = graph.Const("perm", TestTensor.Text([2], "1", "0"));
        graph.Op("Transpose", "y", [x, perm], Attr.T(DataType.DtFloat), Attr.Type("Tperm", DataType.DtInt32));
        var feeds = new Dictionary<string, TestTensor> { ["x:0"] = TestTensor.Float([2, 3], 1, 2, 3, 4, 5, 6) };

        var error = Assert.Throws<UnsupportedOpsException>(() => GraphConverter.Convert(graph.Prepare(feeds, ["y:0"])));

        Assert.Contains("Transpose", error.Message, StringComparison.Ordinal);
        Assert.Contains("a string constant where numbers are needed", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_relu_typed_as_string_is_reported_not_crashed()
    {
        var graph = new TfGraphBuilder();
        var x = graph.Placeholder("x", TensorDataType.Float, [2]);
        graph.Op("Relu", "y", [x], Attr.T(DataType.DtString));
        var feeds = new Dictionary<string, TestTensor> { ["x:0"] = TestTensor.Float([2], 1, -1) };

        var error = Assert.Throws<UnsupportedOpsException>(() => GraphConverter.Convert(graph.Prepare(feeds, ["y:0"])));

        Assert.Contains("Relu", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(DataType.DtComplex64)]
    public void A_folded_cast_to_a_type_without_numbers_is_reported_not_crashed(DataType to)
    {
        // Round 3 of the fuzzer: constant folding of a Cast whose DstT was mutated threw ArgumentOutOfRangeException.
        var graph = new TfGraphBuilder();
        var c = graph.Const("c", TestTensor.Float([2], 1.5f, -2.5f));
        graph.Op("Cast", "y", [c], Attr.Type("SrcT", DataType.DtFloat), Attr.Type("DstT", to));

        var error = Assert.Throws<UnsupportedOpsException>(() => GraphConverter.Convert(graph.Prepare(new Dictionary<string, TestTensor>(), ["y:0"])));

        Assert.Contains("Cast", error.Message, StringComparison.Ordinal);
    }
}
