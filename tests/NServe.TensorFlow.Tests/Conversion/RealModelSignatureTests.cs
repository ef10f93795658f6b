using Microsoft.ML.OnnxRuntime;
using NServe.TensorFlow.Conversion;
using NServe.TensorFlow.SavedModel;
using NServe.TensorFlow.Tests.Checkpoint;
using NServe.TensorFlow.Tests.SavedModel;
using static NServe.TensorFlow.Tests.Conversion.ElementwiseConversionTests;

namespace NServe.TensorFlow.Tests.Conversion;

/// <summary>Every signature of every real SavedModel converts to a model ORT accepts, or fails naming only ops that need a host kernel.</summary>
public sealed class RealModelSignatureTests
{
    // Served by a host kernel (a later piece of work), not by ONNX; and TF Serving's stateful counter model, whose
    // signatures update a variable (a frozen graph has no state to update).
    private static readonly HashSet<string> HostKernelOps = ["ParseExample", "ParseExampleV2"];
    private static readonly HashSet<string> VariableUpdateOps = ["Assign", "AssignAdd", "AssignSub", "AssignVariableOp", "AssignAddVariableOp"];

    public static TheoryData<string> Models() => [.. SavedModelTestData.Loadable().Where(m => m != SavedModelTestData.LegacyBundle)];

    [TestDataTheory]
    [MemberData(nameof(Models))]
    public void EverySignatureConvertsOrNamesItsHostKernelOps(string model)
    {
        var tags = model.Contains("hub_module_v1_mini", StringComparison.Ordinal) ? new HashSet<string>()
            : model.Contains("rust__regression_model_tf1", StringComparison.Ordinal) ? ["train", "serve"]
            : new HashSet<string> { "serve" };
        using var bundle = SavedModelBundle.Load(SavedModelTestData.PathOf(model), tags);
        var converted = 0;
        var hostKernelOnly = 0;
        foreach (var (key, definition) in bundle.SignatureDefs)
        {
            if (!SavedModelBundle.FetchesTensors(definition))
            {
                continue;
            }

            try
            {
                var onnx = GraphConverter.Convert(bundle.Prepare(key));
                using var session = new InferenceSession(Google.Protobuf.MessageExtensions.ToByteArray(onnx));
                Assert.Equal(onnx.Graph.Input.Count, session.InputMetadata.Count);
                converted++;
            }
            catch (UnsupportedOpsException e)
            {
                var expected = model.Contains("saved_model_counter", StringComparison.Ordinal) ? VariableUpdateOps : HostKernelOps;
                Assert.True(e.Ops.All(o => expected.Contains(o.OpType)), $"{model}/{key}: {e.Message}");
                hostKernelOnly++;
            }
        }

        Assert.True(converted + hostKernelOnly > 0, $"{model}: no signature fetches tensors");
    }

    // mltd__model_string_test: Original_A = A; Joined_Splited_Text = the "/"-separated tokens of B joined by " ", as [1, 1].
    [Fact]
    public void TheStringModelSplitsAndJoins()
    {
        if (CheckpointTestData.Root is null)
        {
            return;
        }

        using var bundle = SavedModelBundle.Load(SavedModelTestData.PathOf("savedmodels/mltd__model_string_test"), new HashSet<string> { "serve" });
        var onnx = GraphConverter.Convert(bundle.Prepare("serving_default"));
        var feeds = Feeds(("A:0", TestTensor.Text([2, 2], "a", "b", "c", "d")), ("B:0", TestTensor.Text([2], "one/two", "/three//")));

        var result = OnnxTestRunner.Run(onnx, feeds);

        Converted.AssertClose(TestTensor.Text([2, 2], "a", "b", "c", "d"), result["Original_A:0"]);
        Converted.AssertClose(TestTensor.Text([1, 1], "one two three"), result["Joined_Splited_Text:0"]);
    }
}
