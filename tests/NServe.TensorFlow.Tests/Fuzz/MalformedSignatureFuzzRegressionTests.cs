using NServe.TensorFlow.Conversion;
using NServe.TensorFlow.Graph;
using NServe.TensorFlow.Tests.Conversion;
using Tensorflow;

namespace NServe.TensorFlow.Tests.Fuzz;

/// <summary>
/// Found by AFL++ (fuzz target graph-conversion, round 2): an empty signature key made the ONNX graph builder
/// throw ArgumentException, and a signature fetching an output its node does not have escaped as the
/// converter's internal exception. The first converts (the graph is named "main"); the second fails the
/// version with a <see cref="GraphPreparationException"/> naming the output.
/// </summary>
public class MalformedSignatureFuzzRegressionTests
{
    [Fact]
    public void An_empty_signature_key_still_converts()
    {
        var graph = new TfGraphBuilder();
        var c = graph.Const("c", TestTensor.Int32([2], 1, 2));
        graph.Op("Identity", "y", [c], Attr.T(DataType.DtInt32));

        var model = GraphConverter.Convert(graph.Prepare(new Dictionary<string, TestTensor>(), ["y:0"]), graphName: "");

        Assert.Equal("main", model.Graph.Name);
    }

    [Fact]
    public void A_fetch_of_an_output_the_node_does_not_have_is_a_clear_preparation_error()
    {
        var graph = new TfGraphBuilder();
        graph.Const("c", TestTensor.Int32([2], 1, 2));

        var error = Assert.ThrowsAny<Exception>(() => GraphConverter.Convert(graph.Prepare(new Dictionary<string, TestTensor>(), ["c:1"])));

        Assert.IsType<GraphPreparationException>(error);
        Assert.Contains("c:1", error.Message, StringComparison.Ordinal);
    }
}
