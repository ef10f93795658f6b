using NServe.Core.Errors;
using NServe.Core.Tensors;
using NServe.TensorFlow.Checkpoint;
using NServe.TensorFlow.Graph;
using NServe.TensorFlow.SavedModel;
using NServe.TensorFlow.Tests.Checkpoint;
using NServe.TensorFlow.Tests.SavedModel;
using Tensorflow;

namespace NServe.TensorFlow.Tests.Graph;

/// <summary>Graph preparation on every real SavedModel of ../shared/testdata.</summary>
public class RealModelGraphTests
{
    // Gone from prepared graphs by design: fed placeholders, inlined calls, and NoOps reached only through
    // control edges (which carry no values, so pruning does not follow them).
    private static readonly string[] RemovedOps = ["Placeholder", "PartitionedCall", "StatefulPartitionedCall", "NoOp"];

    // OPS.md walks on through fed tensors that are not placeholders. These signatures feed x:0 / x2:0, which
    // are Identities of ParseExample outputs (as in TF Serving's half_plus_two), so the Example parsing
    // upstream of the feed is pruned.
    private static readonly Dictionary<(string, string), string[]> PrunedAboveInternalFeeds = new()
    {
        [("java__saved_model", "serving_default")] = ["ParseExample", "Reshape"],
        [("java__saved_model", "classify_x2_to_y3")] = ["ParseExample", "Reshape"],
        [("java__saved_model", "regress_x2_to_y3")] = ["ParseExample", "Reshape"],
    };

    public static TheoryData<string, string> ReachableOpsSignatures()
    {
        var data = new TheoryData<string, string>();
        foreach (var entry in ReachableOpsFile.Read().Where(e => "savedmodels/" + e.Model != SavedModelTestData.MissingDataModel))
        {
            data.Add(entry.Model, entry.Signature);
        }

        return data;
    }

    public static TheoryData<string> LoadableModels() => [.. SavedModelTestData.Loadable()];

    [TestDataTheory]
    [MemberData(nameof(ReachableOpsSignatures))]
    public void PreparedOpTypesAreTheReachableOps(string model, string signature)
    {
        var entry = ReachableOpsFile.Read().Single(e => e.Model == model && e.Signature == signature);
        var expected = entry.Ops
            .Where(op => !RemovedOps.Contains(op))
            .Select(op => op is "VariableV2" or "VarHandleOp" ? "Const" : op)
            .Except(PrunedAboveInternalFeeds.GetValueOrDefault((model, signature), []))
            .ToHashSet();
        using var bundle = Load("savedmodels/" + model, string.Join(",", entry.Tags));

        var graph = bundle.Prepare(signature);

        var actual = graph.Nodes.Select(n => n.Op).Concat(graph.Functions.Values.SelectMany(f => f.NodeDef.Select(n => n.Op)));
        Assert.Equal(expected.Order(StringComparer.Ordinal), actual.Distinct().Order(StringComparer.Ordinal));
    }

    [TestDataTheory]
    [MemberData(nameof(LoadableModels))]
    public void EveryTensorSignaturePreparesToASortedClosedGraph(string model)
    {
        using var bundle = Load(model, TagsOf(model));
        var prepared = 0;
        foreach (var (key, definition) in bundle.SignatureDefs)
        {
            if (!SavedModelBundle.FetchesTensors(definition))
            {
                continue;
            }

            var graph = bundle.Prepare(key);
            prepared++;

            Assert.Equal(definition.Inputs.Keys, graph.Feeds.Select(f => f.Alias));
            Assert.Equal(definition.Outputs.Keys, graph.Fetches.Select(f => f.Alias));
            var fed = graph.Feeds.Select(f => f.TensorName).ToHashSet();
            var seen = new Dictionary<string, NodeDef>();
            foreach (var node in graph.Nodes)
            {
                Assert.DoesNotContain(node.Op, new[] { "PartitionedCall", "StatefulPartitionedCall", "VariableV2", "Variable", "VarHandleOp" });
                Assert.False(bundle.Library.TryGetFunction(node.Op, out _), $"{node.Name} calls {node.Op}");
                foreach (var input in node.Input)
                {
                    var name = TensorName.Parse(input);
                    Assert.True(
                        (!name.IsControl && fed.Contains(name.ToTensorString())) || seen.ContainsKey(name.Node),
                        $"{model} {key}: {node.Name} uses {input} before it is computed");
                }

                Assert.True(seen.TryAdd(node.Name, node), $"{model} {key}: two nodes named {node.Name}");
            }

            foreach (var fetch in graph.Fetches)
            {
                var name = TensorName.Parse(fetch.TensorName);
                Assert.True(fed.Contains(fetch.TensorName) || seen.ContainsKey(name.Node), $"{model} {key}: nothing computes {fetch.TensorName}");
            }
        }

        Assert.True(prepared > 0, $"{model} has no signature fetching tensors");
    }

    [TestDataFact]
    public void HalfPlusTwoVariablesBecomeConstsWithTheirValues()
    {
        using var bundle = Load(SavedModelTestData.HalfPlusTwo, "serve");

        var predict = bundle.Prepare("serving_default");
        Assert.Equal(0.5f, ScalarOf(predict, "a"));
        Assert.Equal(2f, ScalarOf(predict, "b"));
        Assert.DoesNotContain(predict.Nodes, n => n.Name is "c" or "a2" or "tf_example" || n.Op == "ParseExample");
        Assert.Equal(("x", "x:0", TensorDataType.Float), (predict.Feeds[0].Alias, predict.Feeds[0].TensorName, predict.Feeds[0].DataType));
        Assert.Equal("y:0", Assert.Single(predict.Fetches).TensorName);

        var regress = bundle.Prepare("regress_x2_to_y3");
        Assert.Equal(0.5f, ScalarOf(regress, "a2"));
        Assert.Equal(3f, ScalarOf(regress, "c2"));

        // The Example-parsing signatures keep ParseExample and feed the string placeholder.
        var classify = bundle.Prepare("classify_x_to_y");
        Assert.Contains(classify.Nodes, n => n.Op == "ParseExample");
        Assert.DoesNotContain(classify.Nodes, n => n.Name == "tf_example");
        Assert.Equal("tf_example:0", Assert.Single(classify.Feeds).TensorName);

        // One Const node per variable, shared by every signature that reads it.
        Assert.Same(predict.Nodes.Single(n => n.Name == "a"), classify.Nodes.Single(n => n.Name == "a"));
    }

    [TestDataFact]
    public void Tf2VariablesAreFoundThroughTheRestoreFunction()
    {
        using var bundle = Load(SavedModelTestData.HalfPlusTwoTf2, "serve");

        Assert.Equal("a/.ATTRIBUTES/VARIABLE_VALUE", bundle.Variables.Slots["a"].Key);
        Assert.Equal("c/.ATTRIBUTES/VARIABLE_VALUE", bundle.Variables.Slots["c"].Key);
        var predict = bundle.Prepare("serving_default");
        Assert.Equal(0.5f, ScalarOf(predict, "a"));
        Assert.Equal(2f, ScalarOf(predict, "b"));
        Assert.DoesNotContain(predict.Nodes, n => n.Name == "c");
        Assert.Equal("serving_default_x:0", Assert.Single(predict.Feeds).TensorName);

        // The call's output is the inner function's returned tensor, inlined under the call's name.
        var fetch = Assert.Single(predict.Fetches);
        Assert.Equal("y", fetch.Alias);
        Assert.StartsWith("StatefulPartitionedCall_5/", fetch.TensorName);
        Assert.Contains(predict.Nodes, n => n.Op == "Mul" && n.Name.StartsWith("StatefulPartitionedCall_5/", StringComparison.Ordinal));

        var regress = bundle.Prepare("regress_x_to_y2");
        Assert.Equal(3f, ScalarOf(regress, "c"));
        Assert.Contains(regress.Nodes, n => n.Op == "ParseExampleV2");
    }

    [TestDataTheory]
    [InlineData("savedmodels/tfjs__times_three_float", "v/.ATTRIBUTES/VARIABLE_VALUE", 3f)]
    [InlineData("savedmodels/tfjs__module_with_multiple_signatures", "two/.ATTRIBUTES/VARIABLE_VALUE", 2f)]
    public void Tf2ModelsFromOtherExportersResolveTheirVariables(string model, string key, float value)
    {
        using var bundle = Load(model, "serve");
        var variable = bundle.Variables.Slots.Single(s => s.Value.Key == key).Key;

        var graphs = bundle.SignatureDefs.Where(s => SavedModelBundle.FetchesTensors(s.Value)).Select(s => bundle.Prepare(s.Key)).ToList();

        var constant = graphs.SelectMany(g => g.Nodes).First(n => n.Name == variable);
        Assert.Equal("Const", constant.Op);
        using var tensor = TensorProtoConverter.ToTensor(constant.Attr["value"].Tensor);
        Assert.Equal(value, tensor.AsSpan<float>()[0]);
    }

    [TestDataFact]
    public void StrippedDefaultAttributesAreFilledFromTheOpRegistry()
    {
        const string model = "savedmodels/tfexamples__fake_effdet_lite0_hub";
        var raw = SavedModelReader.Read(SavedModelTestData.PathOf(model));
        Assert.True(raw.MetaGraphs[0].MetaInfoDef.StrippedDefaultAttrs);
        var rawConv = raw.MetaGraphs[0].GraphDef.Library.Function.SelectMany(f => f.NodeDef).First(n => n.Op == "Conv2D");
        Assert.False(rawConv.Attr.ContainsKey("data_format"));

        using var bundle = Load(model, "serve");
        var conv = bundle.Prepare("serving_default").Nodes.First(n => n.Op == "Conv2D");

        Assert.Equal("NHWC", conv.Attr["data_format"].S.ToStringUtf8());
        Assert.Equal([1L, 1, 1, 1], conv.Attr["dilations"].List.I);
        Assert.True(conv.Attr["use_cudnn_on_gpu"].B);
    }

    [TestDataFact]
    public void MissingVariableDataFailsNamingTheFile()
    {
        var path = SavedModelTestData.PathOf(SavedModelTestData.MissingDataModel);

        var error = Assert.Throws<CheckpointException>(() => SavedModelBundle.Load(path, MetaGraphSelector.ParseTags("serve")));

        var dataFile = Path.Combine(path, "variables", "variables.data-00000-of-00001");
        Assert.Equal(StatusCode.NotFound, error.Code);
        Assert.Equal(dataFile, error.FilePath);
        Assert.Contains(dataFile, error.Message);
    }

    [TestDataFact]
    public void VespaDropoutKeepsTheLearningPhaseSwitchForTheConverter()
    {
        using var bundle = Load("savedmodels/vespa__dropout", "serve");

        var graph = bundle.Prepare("serving_default");

        // keras_learning_phase is a PlaceholderWithDefault nobody feeds: it stays, with its default (false).
        var phase = graph.Nodes.Single(n => n.Op == "PlaceholderWithDefault");
        var predicate = graph.Nodes.Single(n => n.Input.Contains(phase.Name));
        Assert.Contains(graph.Nodes, n => n.Op == "Switch" && n.Input[1] == predicate.Name);
    }

    internal static SavedModelBundle Load(string model, string tags) =>
        SavedModelBundle.Load(SavedModelTestData.PathOf(model), MetaGraphSelector.ParseTags(tags));

    private static string TagsOf(string model) =>
        string.Join(",", SavedModelReader.Read(SavedModelTestData.PathOf(model)).MetaGraphs[0].MetaInfoDef.Tags);

    private static float ScalarOf(PreparedGraph graph, string nodeName)
    {
        var node = graph.Nodes.Single(n => n.Name == nodeName);
        Assert.Equal("Const", node.Op);
        Assert.Equal(DataType.DtFloat, node.Attr["dtype"].Type);
        using var tensor = TensorProtoConverter.ToTensor(node.Attr["value"].Tensor);
        return Assert.Single(tensor.AsSpan<float>().ToArray());
    }
}
