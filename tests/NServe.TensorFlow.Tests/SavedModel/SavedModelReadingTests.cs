using NServe.Core.Errors;
using NServe.Core.Tensors;
using NServe.TensorFlow.SavedModel;
using NServe.TensorFlow.Tests.Checkpoint;
using Tensorflow;

namespace NServe.TensorFlow.Tests.SavedModel;

/// <summary>Reading real SavedModels: files, tag sets, signatures and their TensorInfos, assets (facts from models.md).</summary>
public class SavedModelReadingTests
{
    private const string Predict = "tensorflow/serving/predict";
    private const string Classify = "tensorflow/serving/classify";
    private const string Regress = "tensorflow/serving/regress";

    public static TheoryData<string, string> TfServingSignatureKeys() => new()
    {
        { "tfserving/saved_model_half_plus_two_cpu/00000123", "classify_x_to_y regress_x2_to_y3 regress_x_to_y regress_x_to_y2 serving_default" },
        { "tfserving/saved_model_half_plus_two_2_versions/00000123", "classify_x2_to_y3 classify_x_to_y regress_x2_to_y3 regress_x_to_y regress_x_to_y2 serving_default" },
        { "tfserving/saved_model_half_plus_two_2_versions/00000124", "classify_x2_to_y3 classify_x_to_y regress_x2_to_y3 regress_x_to_y regress_x_to_y2 serving_default" },
        { "tfserving/saved_model_half_plus_three/00000123", "serving_default tensorflow/serving/regress" },
        { "tfserving/saved_model_half_plus_two_gpu/00000123", "classify_x2_to_y3 classify_x_to_y regress_x2_to_y3 regress_x_to_y regress_x_to_y2 serving_default" },
        { "tfserving/saved_model_half_plus_two_mkl/00000123", "classify_x_to_y regress_x2_to_y3 regress_x_to_y regress_x_to_y2 serving_default" },
        { "tfserving/saved_model_half_plus_two_mlmd/00000123", "classify_x_to_y regress_x2_to_y3 regress_x_to_y regress_x_to_y2 serving_default" },
        { "tfserving/saved_model_half_plus_two_cpu_with_saved_model_config/00000123", "classify_x2_to_y3 classify_x_to_y regress_x2_to_y3 regress_x_to_y regress_x_to_y2 serving_default" },
        { "tfserving/saved_model_half_plus_two_tf2_cpu/00000123", "__saved_model_init_op classify_x2_to_y3 classify_x_to_y regress_x2_to_y3 regress_x_to_y regress_x_to_y2 serving_default" },
        { "tfserving/saved_model_counter/00000123", "get_counter incr_counter incr_counter_by reset_counter" },
        { "tfserving/matrix_half_plus_two/1", "serving_default" },
    };

    public static TheoryData<string> AllModels() => [.. SavedModelTestData.All()];

    [TestDataTheory]
    [MemberData(nameof(TfServingSignatureKeys))]
    public void TfServingModelsHaveOneServeMetaGraphWithTheirSignatures(string model, string keys)
    {
        var savedModel = SavedModelReader.Read(SavedModelTestData.PathOf(model));

        var metaGraph = Assert.Single(savedModel.MetaGraphs);
        Assert.Equal(["serve"], metaGraph.MetaInfoDef.Tags);
        Assert.Equal(keys.Split(' '), metaGraph.SignatureDef.Keys.Order(StringComparer.Ordinal));
    }

    [TestDataTheory]
    [MemberData(nameof(AllModels))]
    public void EveryModelsMetaGraphIsSelectedByItsOwnTagsInAnyOrder(string model)
    {
        var path = SavedModelTestData.PathOf(model);
        var savedModel = SavedModelReader.Read(path);

        foreach (var metaGraph in savedModel.MetaGraphs)
        {
            var reversed = string.Join(",", metaGraph.MetaInfoDef.Tags.Reverse());
            Assert.Same(metaGraph, MetaGraphSelector.Select(savedModel, MetaGraphSelector.ParseTags(reversed), path));
            Assert.NotEmpty(metaGraph.GraphDef.Node);
        }
    }

    [TestDataFact]
    public void HalfPlusTwoSignaturesMatchTfServingsMetadata()
    {
        using var bundle = SavedModelBundle.Load(SavedModelTestData.PathOf(SavedModelTestData.HalfPlusTwo), MetaGraphSelector.ParseTags("serve"));
        var signatures = bundle.Signatures().ToDictionary(p => p.Key, p => p.Value);

        AssertSpec(signatures["serving_default"], Predict, "x", "x:0", TensorDataType.Float, [-1, 1], "y", "y:0", [-1, 1]);
        AssertSpec(signatures["classify_x_to_y"], Classify, "inputs", "tf_example:0", TensorDataType.String, null, "scores", "y:0", [-1, 1]);
        AssertSpec(signatures["regress_x_to_y"], Regress, "inputs", "tf_example:0", TensorDataType.String, null, "outputs", "y:0", [-1, 1]);
        AssertSpec(signatures["regress_x_to_y2"], Regress, "inputs", "tf_example:0", TensorDataType.String, null, "outputs", "y2:0", [-1, 1]);
        AssertSpec(signatures["regress_x2_to_y3"], Regress, "inputs", "x2:0", TensorDataType.Float, [-1, 1], "outputs", "y3:0", [-1, 1]);
    }

    [TestDataFact]
    public void HalfPlusThreeKeepsASlashedKeyAndShapelessTensorInfos()
    {
        using var bundle = SavedModelBundle.Load(
            SavedModelTestData.PathOf("tfserving/saved_model_half_plus_three/00000123"), MetaGraphSelector.ParseTags("serve"));
        var signatures = bundle.Signatures().ToDictionary(p => p.Key, p => p.Value);

        // models.md: the regress TensorInfo says DT_FLOAT although the placeholder is a string; no shapes at all.
        AssertSpec(signatures["tensorflow/serving/regress"], Regress, "inputs", "tf_example:0", TensorDataType.Float, null, "outputs", "Identity:0", null);
        AssertSpec(signatures["serving_default"], Predict, "x", "x:0", TensorDataType.Float, null, "y", "y:0", null);

        // The prepared graph feeds what the graph consumes: the string placeholder.
        var feed = Assert.Single(bundle.Prepare("tensorflow/serving/regress").Feeds);
        Assert.Equal(("inputs", "tf_example:0", TensorDataType.String), (feed.Alias, feed.TensorName, feed.DataType));
    }

    [TestDataFact]
    public void Tf2HalfPlusTwoSignaturesDefaultsAndInitOp()
    {
        using var bundle = SavedModelBundle.Load(SavedModelTestData.PathOf(SavedModelTestData.HalfPlusTwoTf2), MetaGraphSelector.ParseTags("serve"));
        var signatures = bundle.Signatures().ToDictionary(p => p.Key, p => p.Value);

        AssertSpec(signatures["serving_default"], Predict, "x", "serving_default_x:0", TensorDataType.Float, [1], "y", "StatefulPartitionedCall_5:0", [1]);
        AssertSpec(signatures["classify_x_to_y"], Predict, "inputs", "classify_x_to_y_inputs:0", TensorDataType.String, [-1], "scores", "StatefulPartitionedCall_1:0", [-1, 1]);
        AssertSpec(signatures["regress_x2_to_y3"], Predict, "inputs", "regress_x2_to_y3_inputs:0", TensorDataType.Float, [1], "outputs", "StatefulPartitionedCall_2:0", [1]);

        var init = signatures["__saved_model_init_op"];
        Assert.Equal("", init.MethodName);
        Assert.Empty(init.Inputs);
        var initOutput = Assert.Single(init.Outputs).Value;
        Assert.Equal(("NoOp", TensorDataType.Invalid, (long[]?)null), (initOutput.Name, initOutput.DataType, initOutput.Shape));
        Assert.False(SavedModelBundle.FetchesTensors(bundle.MetaGraph.SignatureDef["__saved_model_init_op"]));
        Assert.True(SavedModelBundle.FetchesTensors(bundle.MetaGraph.SignatureDef["serving_default"]));

        var defaults = bundle.MetaGraph.SignatureDef["serving_default"].Defaults;
        var x = TensorProtoConverter.ToTensor(Assert.Single(defaults, d => d.Key == "x").Value);
        Assert.Equal([1L], x.Shape);
        Assert.Equal([0f], x.AsSpan<float>().ToArray());
    }

    [TestDataFact]
    public void CounterRefOutputsServeTheirBaseType()
    {
        using var bundle = SavedModelBundle.Load(SavedModelTestData.PathOf("tfserving/saved_model_counter/00000123"), MetaGraphSelector.ParseTags("serve"));
        var signatures = bundle.Signatures().ToDictionary(p => p.Key, p => p.Value);

        Assert.Equal(DataType.DtFloatRef, bundle.MetaGraph.SignatureDef["get_counter"].Outputs["output"].Dtype);
        var counter = signatures["get_counter"].OutputsByAlias["output"];
        Assert.Equal(("counter:0", TensorDataType.Float), (counter.Name, counter.DataType));
        Assert.Equal(Array.Empty<long>(), counter.Shape);
        var delta = signatures["incr_counter_by"].InputsByAlias["delta"];
        Assert.Equal(("delta:0", TensorDataType.Float, (long[]?)null), (delta.Name, delta.DataType, delta.Shape));
    }

    [TestDataFact]
    public void TextFormatSavedModelsParse()
    {
        foreach (var model in new[] { "vespa__batch_norm", "vespa__dropout", "vespa__mnist_softmax", "vespa__Model_B_fm_standard" })
        {
            var path = SavedModelTestData.PathOf("savedmodels/" + model);
            Assert.False(File.Exists(Path.Combine(path, SavedModelFiles.BinaryFileName)));
            Assert.True(SavedModelFiles.IsSavedModel(path));

            var savedModel = SavedModelReader.Read(path);

            var metaGraph = Assert.Single(savedModel.MetaGraphs);
            Assert.Equal(["serve"], metaGraph.MetaInfoDef.Tags);
            Assert.Equal(["serving_default"], metaGraph.SignatureDef.Keys);
            Assert.Equal(Predict, metaGraph.SignatureDef["serving_default"].MethodName);
            Assert.True(metaGraph.GraphDef.Node.Count > 20, model);
        }
    }

    [TestDataFact]
    public void TagSetsMatchExactly()
    {
        var trainServe = SavedModelTestData.PathOf("savedmodels/rust__regression_model_tf1");
        var model = SavedModelReader.Read(trainServe);

        Assert.Equal(["train", "serve"], MetaGraphSelector.Select(model, MetaGraphSelector.ParseTags("serve,train"), trainServe).MetaInfoDef.Tags);
        var subset = Assert.Throws<ServingException>(() => MetaGraphSelector.Select(model, MetaGraphSelector.ParseTags("serve"), trainServe));
        Assert.Equal(StatusCode.NotFound, subset.Code);
        Assert.Contains("Could not find meta graph def matching supplied tags: { serve }", subset.Message);
        Assert.Contains("{ serve train }", subset.Message);

        // TF-Hub v1 modules: the MetaGraph without tags is chosen by an empty tag list.
        var hub = SavedModelTestData.PathOf("savedmodels/tfexamples__hub_module_v1_mini");
        var hubModel = SavedModelReader.Read(hub);
        Assert.Empty(MetaGraphSelector.Select(hubModel, MetaGraphSelector.ParseTags(""), hub).MetaInfoDef.Tags);
        Assert.Throws<ServingException>(() => MetaGraphSelector.Select(hubModel, MetaGraphSelector.ParseTags("serve"), hub));
    }

    [Fact]
    public void TagListsAreSetsOfNonEmptyTags()
    {
        Assert.Equal(["serve", "train"], MetaGraphSelector.ParseTags("train,serve,train"));
        Assert.Empty(MetaGraphSelector.ParseTags(""));
        Assert.Equal(["gpu", "serve"], MetaGraphSelector.ParseTags("serve,,gpu"));
    }

    [TestDataFact]
    public void AssetTensorsMapToFilesUnderAssets()
    {
        using var tf1 = SavedModelBundle.Load(SavedModelTestData.PathOf(SavedModelTestData.HalfPlusTwo), MetaGraphSelector.ParseTags("serve"));
        using var tf2 = SavedModelBundle.Load(SavedModelTestData.PathOf(SavedModelTestData.HalfPlusTwoTf2), MetaGraphSelector.ParseTags("serve"));

        var tf1Asset = Assert.Single(tf1.AssetPaths);
        Assert.Equal("Const:0", tf1Asset.Key);
        Assert.Equal("asset-file-contents", File.ReadAllText(tf1Asset.Value));
        var tf2Asset = Assert.Single(tf2.AssetPaths);
        Assert.Equal("asset_path_initializer:0", tf2Asset.Key);
        Assert.Equal(Path.Combine(tf2.Directory, "assets", "foo.txt"), tf2Asset.Value);
    }

    [TestDataFact]
    public void ExtraAssetsStayOutsideTheGraph()
    {
        using var mlmd = SavedModelBundle.Load(
            SavedModelTestData.PathOf("tfserving/saved_model_half_plus_two_mlmd/00000123"), MetaGraphSelector.ParseTags("serve"));

        Assert.Equal("test_mlmd_uuid", File.ReadAllText(Path.Combine(mlmd.ExtraAssetsDirectory, "mlmd_uuid")).Trim());
    }

    [TestDataFact]
    public void LegacySessionBundlesAreRejectedClearly()
    {
        var path = SavedModelTestData.PathOf(SavedModelTestData.LegacyBundle);

        Assert.False(SavedModelFiles.IsSavedModel(path));
        Assert.True(SavedModelFiles.IsLegacySessionBundle(path));
        var error = Assert.Throws<ServingException>(() => SavedModelReader.Read(path));
        Assert.Equal(StatusCode.Unimplemented, error.Code);
        Assert.Contains("legacy SessionBundle", error.Message);
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void AFolderWithoutAModelIsNotFound()
    {
        using var empty = new TempDirectory();

        var error = Assert.Throws<ServingException>(() => SavedModelReader.Read(empty.Path));

        Assert.Equal(StatusCode.NotFound, error.Code);
        Assert.Contains("saved_model.pb", error.Message);
    }

    [Fact]
    public void ACorruptBinaryIsDataLossNamingTheFile()
    {
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir.Combine("saved_model.pb"), [0x0a, 0xff, 0xff, 0xff, 0x0f, 0x01]);

        var error = Assert.Throws<ServingException>(() => SavedModelReader.Read(dir.Path));

        Assert.Equal(StatusCode.DataLoss, error.Code);
        Assert.Contains(dir.Combine("saved_model.pb"), error.Message);
    }

    [Fact]
    public void ABrokenTextModelReportsLineAndColumn()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.Combine("saved_model.pbtxt"), "saved_model_schema_version: 1\nmeta_graphs { bogus: 2 }\n");

        var error = Assert.Throws<ServingException>(() => SavedModelReader.Read(dir.Path));

        Assert.Equal(StatusCode.DataLoss, error.Code);
        Assert.Contains("saved_model.pbtxt: Error parsing text-format tensorflow.SavedModel: 2:", error.Message);
        Assert.Contains("\"bogus\"", error.Message);
    }

    private static void AssertSpec(
        NServe.Core.Servables.Signature signature, string method,
        string inputAlias, string inputName, TensorDataType inputType, long[]? inputShape,
        string outputAlias, string outputName, long[]? outputShape)
    {
        Assert.Equal(method, signature.MethodName);
        var input = Assert.Single(signature.Inputs);
        Assert.Equal(inputAlias, input.Key);
        Assert.Equal(inputName, input.Value.Name);
        Assert.Equal(inputType, input.Value.DataType);
        Assert.Equal(inputShape, input.Value.Shape);
        var output = Assert.Single(signature.Outputs);
        Assert.Equal(outputAlias, output.Key);
        Assert.Equal(outputName, output.Value.Name);
        Assert.Equal(TensorDataType.Float, output.Value.DataType);
        Assert.Equal(outputShape, output.Value.Shape);
    }
}
