using NServe.Core.Errors;
using NServe.Core.Servables;
using NServe.Core.Tensors;
using NServe.Onnx;
using NServe.TensorFlow.Tests.Checkpoint;
using NServe.TensorFlow.Tests.Graph;
using NServe.TensorFlow.Tests.SavedModel;

namespace NServe.TensorFlow.Tests.Loading;

/// <summary>SavedModels loaded through <see cref="TensorFlowLoader"/> and run on ONNX Runtime.</summary>
public class TensorFlowLoaderTests
{
    private static readonly TensorFlowLoader Loader = new(OnnxRuntimeOptions.Default);

    [RequiresOpsFact("ParseExample")]
    public async Task HalfPlusTwoServesTfServingsPredictExample()
    {
        using var servable = await Load(SavedModelTestData.HalfPlusTwo);

        // TF Serving's REST example: {"instances": [1.0, 2.0, 5.0]} → {"predictions": [2.5, 3.0, 4.5]}.
        Assert.Equal(new[] { 2.5f, 3f, 4.5f }, await Predict(servable, "serving_default", "x", [1f, 2f, 5f], "y"));
        Assert.Equal(new[] { 3.5f, 4f, 5.5f }, await Predict(servable, "regress_x2_to_y3", "inputs", [1f, 2f, 5f], "outputs"));
    }

    [RequiresOpsFact("ParseExampleV2")]
    public async Task Tf2HalfPlusTwoGivesTheSameAnswersAndUsesItsDefaultInput()
    {
        using var servable = await Load(SavedModelTestData.HalfPlusTwoTf2);

        Assert.Equal(new[] { 2.5f, 3f, 4.5f }, await Predict(servable, "serving_default", "x", [1f, 2f, 5f], "y"));
        Assert.Equal(new[] { 3.5f, 4f, 5.5f }, await Predict(servable, "regress_x2_to_y3", "inputs", [1f, 2f, 5f], "outputs"));

        // serving_default's SignatureDef says x defaults to [0.0]: a request may leave it out.
        Assert.Equal(new[] { "x" }, servable.InputDefaults["serving_default"].Keys);
        var outputs = await servable.RunAsync("serving_default", new Dictionary<string, Tensor>(), null, CancellationToken.None);
        Assert.Equal([2f], outputs["y"].AsSpan<float>().ToArray());
    }

    [RequiresOpsFact("ParseExampleV2")]
    public async Task SignaturesMirrorTheSignatureDefs()
    {
        using var servable = await Load(SavedModelTestData.HalfPlusTwoTf2);

        Assert.Equal("tensorflow", servable.Platform);
        Assert.Equal(servable.SignatureDefs.Keys, servable.Signatures.Keys);
        var predict = servable.Signatures["serving_default"];
        Assert.Equal(Signature.PredictMethod, predict.MethodName);
        Assert.Equal(("serving_default_x:0", TensorDataType.Float), (predict.InputsByAlias["x"].Name, predict.InputsByAlias["x"].DataType));
        Assert.Equal(new[] { 1L }, predict.InputsByAlias["x"].Shape);
        Assert.Equal("StatefulPartitionedCall_5:0", predict.OutputsByAlias["y"].Name);
        Assert.Equal(new[] { -1L, 1 }, servable.Signatures["classify_x_to_y"].OutputsByAlias["scores"].Shape);
        Assert.Equal(("NoOp", TensorDataType.Invalid), (servable.Signatures["__saved_model_init_op"].OutputsByAlias["__saved_model_init_op"].Name,
            servable.Signatures["__saved_model_init_op"].OutputsByAlias["__saved_model_init_op"].DataType));
    }

    [TestDataFact]
    public async Task OperationOnlyAndUnknownSignaturesCannotRun()
    {
        using var servable = await Load("savedmodels/tfjs__module_with_multiple_signatures");
        var none = new Dictionary<string, Tensor>();
        Assert.Contains("__saved_model_init_op", servable.Signatures.Keys);

        var init = await Assert.ThrowsAsync<ServingException>(async () => await servable.RunAsync("__saved_model_init_op", none, null, CancellationToken.None));
        var unknown = await Assert.ThrowsAsync<ServingException>(async () => await servable.RunAsync("nope", none, null, CancellationToken.None));

        Assert.Equal(StatusCode.FailedPrecondition, init.Code);
        Assert.Contains("only runs operations", init.Message);
        Assert.Equal(StatusCode.FailedPrecondition, unknown.Code);
        Assert.Equal("Serving signature key \"nope\" not found.", unknown.Message);
    }

    [TestDataFact]
    public async Task FedShapesFollowTheGraphNotTheTensorInfo()
    {
        // matrix_half_plus_two's x is a [-1,3,3] placeholder; TensorFlow checks no fed shape, only kernels do.
        using var servable = await Load("tfserving/matrix_half_plus_two/1");

        Assert.Equal(new[] { 2.5f, 3f, 3.5f, 4f }, await Predict(servable, "serving_default", "x", [1f, 2f, 3f, 4f], "y", [1, 2, 2]));
        Assert.Equal(new[] { 3f }, await Predict(servable, "serving_default", "x", [2f], "y", []));
        Assert.Equal(new[] { -1L, 3, 3 }, servable.Signatures["serving_default"].InputsByAlias["x"].Shape);
    }

    [TestDataFact]
    public async Task LoadTimingsAreKeptByPhase()
    {
        using var servable = await Load("savedmodels/tfnet__lstm_from_sequential");

        var timings = servable.LoadTimings;
        Assert.True(timings.Read > TimeSpan.Zero && timings.Prepare > TimeSpan.Zero && timings.Convert > TimeSpan.Zero && timings.Sessions > TimeSpan.Zero);
        Assert.Equal(timings.Read + timings.Prepare + timings.Convert + timings.Sessions, timings.Total);
    }

    [TestDataFact]
    public async Task ALegacySessionBundleFailsAsUnsupported()
    {
        var path = SavedModelTestData.PathOf(SavedModelTestData.LegacyBundle);
        Assert.True(Loader.CanLoad(path));

        var error = await Assert.ThrowsAsync<ServingException>(() => Loader.LoadAsync(new ServableId("bad", 123), path, CancellationToken.None));

        Assert.Equal(StatusCode.Unimplemented, error.Code);
        Assert.Contains("legacy SessionBundle", error.Message);
    }

    [TestDataFact]
    public async Task MissingVariableDataFailsNamingTheFile()
    {
        var path = SavedModelTestData.PathOf(SavedModelTestData.MissingDataModel);

        var error = await Assert.ThrowsAsync<ServingException>(() => Loader.LoadAsync(new ServableId("mnist", 1), path, CancellationToken.None));

        Assert.Equal(StatusCode.NotFound, error.Code);
        Assert.Contains(Path.Combine(path, "variables", "variables.data-00000-of-00001"), error.Message);
    }

    [Fact]
    public async Task UnconvertibleOpsFailTheWholeLoadNamingEachOpOnce()
    {
        // Two signatures with string ops no converter handles: one op type twice, another once.
        using var dir = new TempDirectory();
        var graph = new Tensorflow.GraphDef();
        graph.Node.Add(TestGraphs.Placeholder("s", Tensorflow.DataType.DtString));
        graph.Node.Add(TestGraphs.Placeholder("x"));
        graph.Node.Add(TestGraphs.Node("h1", "StringToHashBucketFast", "s").With("num_buckets", new Tensorflow.AttrValue { I = 8 }));
        graph.Node.Add(TestGraphs.Node("h2", "StringToHashBucketFast", "s").With("num_buckets", new Tensorflow.AttrValue { I = 4 }));
        graph.Node.Add(TestGraphs.Node("text", "AsString", "x").WithType());
        TestGraphs.WriteSavedModel(dir.Path, graph, new Dictionary<string, Tensorflow.SignatureDef>
        {
            ["a"] = TestGraphs.Signature([("s", "s:0")], [("h1", "h1:0"), ("h2", "h2:0")]),
            ["b"] = TestGraphs.Signature([("x", "x:0")], [("text", "text:0")]),
        });

        var error = await Assert.ThrowsAsync<ServingException>(() => Loader.LoadAsync(new ServableId("hashes", 1), dir.Path, CancellationToken.None));

        Assert.Equal(StatusCode.Unimplemented, error.Code);
        Assert.Contains("StringToHashBucketFast (node h", error.Message);
        Assert.Contains("AsString (node text)", error.Message);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(error.Message, "StringToHashBucketFast "));
        Assert.Contains("signatures a, b", error.Message);
        Assert.Contains(dir.Path, error.Message);
    }

    [TestDataFact]
    public async Task TagsChooseTheMetaGraph()
    {
        var path = SavedModelTestData.PathOf("savedmodels/rust__regression_model_tf1");

        var wrongTags = await Assert.ThrowsAsync<ServingException>(() => Loader.LoadAsync(new ServableId("r", 1), path, CancellationToken.None));
        using var servable = await new TensorFlowLoader(OnnxRuntimeOptions.Default, "train,serve").LoadAsync(new ServableId("r", 1), path, CancellationToken.None);

        Assert.Equal(StatusCode.NotFound, wrongTags.Code);
        Assert.Equal(new[] { "tensorflow/serving/regress" }, servable.Signatures.Keys);
    }

    [Fact]
    public void CanLoadOnlySavedModelFolders()
    {
        using var dir = new TempDirectory();
        Assert.False(Loader.CanLoad(dir.Path));

        File.WriteAllText(dir.Combine("saved_model.pbtxt"), "");
        Assert.True(Loader.CanLoad(dir.Path));
        Assert.Equal("tensorflow", Loader.Platform);
    }

    internal static async Task<TensorFlowServable> Load(string model, string tags = "serve") =>
        (TensorFlowServable)await new TensorFlowLoader(OnnxRuntimeOptions.Default, tags)
            .LoadAsync(new ServableId(model, 1), SavedModelTestData.PathOf(model), CancellationToken.None);

    private static async Task<float[]> Predict(IServable servable, string signature, string input, float[] values, string output, long[]? shape = null)
    {
        using var tensor = Tensor.FromValues(TensorDataType.Float, shape ?? [values.Length], values.AsSpan());
        var outputs = await servable.RunAsync(signature, new Dictionary<string, Tensor> { [input] = tensor }, null, CancellationToken.None);
        try
        {
            return outputs[output].AsSpan<float>().ToArray();
        }
        finally
        {
            foreach (var result in outputs.Values)
            {
                result.Dispose();
            }
        }
    }
}
