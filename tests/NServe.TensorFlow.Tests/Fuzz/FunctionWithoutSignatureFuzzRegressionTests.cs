using Google.Protobuf;
using NServe.TensorFlow.Graph;
using NServe.TensorFlow.SavedModel;
using NServe.TensorFlow.Tests.Checkpoint;
using Tensorflow;

namespace NServe.TensorFlow.Tests.Fuzz;

/// <summary>
/// An input AFL++ found (fuzz target graph-conversion): a function in the graph's library whose signature
/// (OpDef) was mutated away made <see cref="FunctionLibrary"/> throw NullReferenceException while loading.
/// </summary>
public class FunctionWithoutSignatureFuzzRegressionTests
{
    [Fact]
    public void A_library_function_without_a_signature_is_a_malformed_graph()
    {
        using var folder = new TempDirectory();
        var model = new Tensorflow.SavedModel
        {
            MetaGraphs =
            {
                new MetaGraphDef
                {
                    MetaInfoDef = new MetaGraphDef.Types.MetaInfoDef { Tags = { "serve" } },
                    GraphDef = new GraphDef { Library = new FunctionDefLibrary { Function = { new FunctionDef() } } },
                },
            },
        };
        File.WriteAllBytes(folder.Combine(SavedModelFiles.BinaryFileName), model.ToByteArray());

        var error = Assert.Throws<GraphPreparationException>(() => SavedModelBundle.Load(folder.Path, MetaGraphSelector.ParseTags("serve")).Dispose());

        Assert.Equal("a function in the graph's library has no signature", error.Message);
    }
}
