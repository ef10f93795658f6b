using System.Text.Json;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using NServe.EndToEnd.Tests.Infrastructure;
using Tensorflow;
using RunOptions = Microsoft.ML.OnnxRuntime.RunOptions;
using Xunit.Abstractions;

namespace NServe.EndToEnd.Tests;

/// <summary>
/// <c>nserve inspect</c> and <c>nserve convert</c> through the real executable on real SavedModels
/// (../shared/testdata): the report names signatures, dtypes, shapes and op convertibility; a converted
/// signature is an .onnx that ONNX Runtime loads and that answers as the server and the golden files do.
/// </summary>
public sealed class InspectConvertCommandTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("nserve-e2e-convert-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    private static string? TfServing(string model) =>
        TestPaths.SharedTestData is { } data ? Path.Combine(data, "tfserving", model, "00000123") : null;

    private bool Skipped(out string testData)
    {
        testData = TestPaths.SharedTestData!;
        if (testData is null)
        {
            output.WriteLine("SKIPPED: ../shared/testdata is absent.");
            return true;
        }

        return false;
    }

    [Fact]
    public async Task InspectPrintsSignaturesWithDtypesShapesAndHowEachOpRuns()
    {
        if (Skipped(out _))
        {
            return;
        }

        var (exitCode, text) = await ServerProcess.RunToExitAsync("inspect", TfServing("saved_model_half_plus_two_cpu")!);

        Assert.True(exitCode == 0, text);
        Assert.Contains("MetaGraphDef with tag-set: 'serve' contains the following SignatureDefs:", text);
        foreach (var key in new[] { "serving_default", "classify_x_to_y", "regress_x_to_y", "regress_x_to_y2", "regress_x2_to_y3" })
        {
            Assert.Contains($"signature_def['{key}']:", text);
        }

        Assert.Contains("    inputs['x'] tensor_info:\n        dtype: DT_FLOAT\n        shape: (-1, 1)\n        name: x:0", text.ReplaceLineEndings("\n"));
        Assert.Contains("    inputs['inputs'] tensor_info:\n        dtype: DT_STRING\n        shape: unknown_rank\n        name: tf_example:0", text.ReplaceLineEndings("\n"));
        Assert.Contains("Method name is: tensorflow/serving/classify", text);
        Assert.Matches(@"ParseExample +runs in C# \(host kernel\)", text);
        Assert.Matches(@"Mul +converts to ONNX", text);
        Assert.Contains("contains the following ops: Add, Assign, Const, Identity", text);
        Assert.DoesNotContain("NOT CONVERTIBLE", text);
    }

    [Fact]
    public async Task InspectNamesTheOpsThatCannotBeConverted()
    {
        var model = WriteMatrixInverseModel();

        var (exitCode, text) = await ServerProcess.RunToExitAsync("inspect", model);

        Assert.True(exitCode == 0, text);
        Assert.Matches(@"MatrixInverse +NOT CONVERTIBLE", text);
        Assert.Contains("NServe: not convertible: uses TensorFlow ops NServe cannot convert to ONNX: MatrixInverse (node inverse)", text);
        Assert.Contains("signature_def['double']:", text);
        Assert.Contains("NServe: convertible to ONNX; this signature can be served.", text);
    }

    [Fact]
    public async Task InspectShowsVariableUpdatesAsHeldByNServe()
    {
        if (Skipped(out _))
        {
            return;
        }

        var (exitCode, text) = await ServerProcess.RunToExitAsync("inspect", TfServing("saved_model_counter")!);

        Assert.True(exitCode == 0, text);
        Assert.Contains("dtype: DT_FLOAT_REF", text);
        Assert.Matches(@"AssignAdd +variable update: NServe holds the variable per version", text);
        Assert.DoesNotContain("NOT CONVERTIBLE", text);
    }

    [Fact]
    public async Task AConvertedSignatureAnswersAsTheServerDoes()
    {
        if (Skipped(out _))
        {
            return;
        }

        var model = TfServing("saved_model_half_plus_two_cpu")!;
        var target = Path.Combine(_work, "half_plus_two.onnx");
        var (exitCode, text) = await ServerProcess.RunToExitAsync("convert", model, target);
        Assert.True(exitCode == 0, text);
        Assert.Contains($"Wrote signature_def 'serving_default' of {model} to {target}", text);
        Assert.Empty(Directory.EnumerateFiles(_work, "*.tmp"));

        float[] converted;
        using (var session = new InferenceSession(target))
        {
            Assert.Equal("x:0", session.ModelMetadata.CustomMetadataMap["nserve.input.x"]);
            Assert.Equal("y:0", session.ModelMetadata.CustomMetadataMap["nserve.output.y"]);
            converted = Run(session, new() { ["x:0"] = ([3, 1], [1f, 2f, 5f]) })["y:0"];
        }

        await using var server = await ServerProcess.StartAsync("--model_name=hp", $"--model_base_path={Path.GetDirectoryName(model)}");
        var (status, body) = await Json.PostAsync(server.Http, "/v1/models/hp:predict", """{"instances": [1.0, 2.0, 5.0]}""");
        Assert.True(status == 200, body);
        var served = Json.Numbers(body, "predictions");

        Assert.Equal([2.5, 3.0, 4.5], converted.Select(v => (double)v));
        Assert.Equal(served, converted.Select(v => (double)v));
    }

    [Fact]
    public async Task AConvertedRealModelGivesItsGoldenAnswer()
    {
        if (Skipped(out var testData))
        {
            return;
        }

        // The largest model in the test data: batch normalisation over a 784-wide input, TF 1.4, .pbtxt only.
        var target = Path.Combine(_work, "batch_norm.onnx");
        var (exitCode, text) = await ServerProcess.RunToExitAsync(
            "convert", Path.Combine(testData, "savedmodels", "vespa__batch_norm"), target, "--signature_def", "serving_default", "--tag_set=serve");
        Assert.True(exitCode == 0, text);

        using var golden = JsonDocument.Parse(File.ReadAllText(Path.Combine(testData, "golden", "vespa__batch_norm", "serving_default.json")));
        using var session = new InferenceSession(target);
        var metadata = session.ModelMetadata.CustomMetadataMap;
        var feeds = new Dictionary<string, (long[] Shape, float[] Values)>();
        foreach (var input in golden.RootElement.GetProperty("inputs").EnumerateObject())
        {
            feeds[metadata["nserve.input." + input.Name]] = (
                input.Value.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray(),
                input.Value.GetProperty("values").EnumerateArray().Select(v => v.GetSingle()).ToArray());
        }

        var results = Run(session, feeds);
        foreach (var expected in golden.RootElement.GetProperty("outputs").EnumerateObject())
        {
            var actual = results[metadata["nserve.output." + expected.Name]];
            var values = expected.Value.GetProperty("values").EnumerateArray().Select(v => v.GetDouble()).ToArray();
            Assert.Equal(values.Length, actual.Length);
            for (var i = 0; i < values.Length; i++)
            {
                Assert.True(Math.Abs(actual[i] - values[i]) <= 1e-4 + (1e-3 * Math.Abs(values[i])), $"{expected.Name}[{i}]: {actual[i]} vs golden {values[i]}");
            }
        }
    }

    [Fact]
    public async Task ConvertErrorsSayWhatIsWrongAndWriteNothing()
    {
        if (Skipped(out var testData))
        {
            return;
        }

        var target = Path.Combine(_work, "out.onnx");
        var halfPlusTwo = TfServing("saved_model_half_plus_two_cpu")!;

        var (missing, missingText) = await ServerProcess.RunToExitAsync("convert", Path.Combine(_work, "no_such_model"), target);
        Assert.Equal(1, missing);
        Assert.Contains($"SavedModel directory {Path.Combine(_work, "no_such_model")} does not exist", missingText);

        var (basePath, basePathText) = await ServerProcess.RunToExitAsync("convert", Path.GetDirectoryName(halfPlusTwo)!, target);
        Assert.Equal(1, basePath);
        Assert.Contains($"give one of its version folders: {halfPlusTwo}", basePathText);

        var (unknown, unknownText) = await ServerProcess.RunToExitAsync("convert", halfPlusTwo, target, "--signature_def=nope");
        Assert.Equal(1, unknown);
        Assert.Contains("has no signature_def 'nope'; available: serving_default, classify_x_to_y, regress_x_to_y2, regress_x_to_y, regress_x2_to_y3", unknownText);

        var (unsupported, unsupportedText) = await ServerProcess.RunToExitAsync(
            "convert", WriteMatrixInverseModel(), target, "--signature_def", "serving_default");
        Assert.Equal(1, unsupported);
        Assert.Contains("uses TensorFlow ops NServe cannot convert to ONNX: MatrixInverse (node inverse)", unsupportedText);

        var (stateful, statefulText) = await ServerProcess.RunToExitAsync(
            "convert", TfServing("saved_model_counter")!, target, "--signature_def", "incr_counter_by");
        Assert.Equal(1, stateful);
        Assert.Contains("AssignAdd (node incr_counter_by_op/AssignAdd)", statefulText);
        Assert.Contains("a standalone ONNX file has no state", statefulText);

        var (tags, tagsText) = await ServerProcess.RunToExitAsync("convert", halfPlusTwo, target, "--tag_set=train");
        Assert.Equal(1, tags);
        Assert.Contains("Could not find meta graph def matching supplied tags: { train }", tagsText);

        var (usage, usageText) = await ServerProcess.RunToExitAsync("convert", halfPlusTwo);
        Assert.Equal(2, usage);
        Assert.Contains("Usage: nserve convert <savedmodel_dir> <out.onnx>", usageText);

        var (missingVariables, missingVariablesText) = await ServerProcess.RunToExitAsync(
            "convert", Path.Combine(testData, "savedmodels", "mltd__mnist_model"), target);
        Assert.Equal(1, missingVariables);
        Assert.Contains("variables.data-00000-of-00001", missingVariablesText);

        Assert.Equal([Path.Combine(_work, "matrix_inverse")], Directory.EnumerateFileSystemEntries(_work));
    }

    [Fact]
    public async Task ConvertKeepsAnExistingFileWhenItFails()
    {
        var model = WriteMatrixInverseModel();
        var output = Directory.CreateDirectory(Path.Combine(_work, "out")).FullName;
        var target = Path.Combine(output, "kept.onnx");
        File.WriteAllText(target, "previous");

        var (exitCode, _) = await ServerProcess.RunToExitAsync("convert", model, target);

        Assert.Equal(1, exitCode);
        Assert.Equal("previous", File.ReadAllText(target));
        Assert.Single(Directory.EnumerateFileSystemEntries(output));
    }

    /// <summary>
    /// A SavedModel written here: serving_default inverts a matrix (MatrixInverse, which NServe does not
    /// convert); "double" multiplies by 2. Real TensorFlow models in the test data all convert by now.
    /// </summary>
    private string WriteMatrixInverseModel()
    {
        var directory = Directory.CreateDirectory(Path.Combine(_work, "matrix_inverse")).FullName;
        var graph = new GraphDef { Versions = new VersionDef { Producer = 1 } };
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dim { Size = 2 });
        shape.Dim.Add(new TensorShapeProto.Types.Dim { Size = 2 });
        graph.Node.Add(Node("x", "Placeholder", [], ("dtype", new AttrValue { Type = DataType.DtFloat }), ("shape", new AttrValue { Shape = shape })));
        var two = new Tensorflow.TensorProto { Dtype = DataType.DtFloat, TensorShape = new TensorShapeProto() };
        two.FloatVal.Add(2f);
        graph.Node.Add(Node("two", "Const", [], ("dtype", new AttrValue { Type = DataType.DtFloat }), ("value", new AttrValue { Tensor = two })));
        graph.Node.Add(Node("inverse", "MatrixInverse", ["x"], ("T", new AttrValue { Type = DataType.DtFloat })));
        graph.Node.Add(Node("doubled", "Mul", ["x", "two"], ("T", new AttrValue { Type = DataType.DtFloat })));

        var metaGraph = new MetaGraphDef { MetaInfoDef = new MetaGraphDef.Types.MetaInfoDef(), GraphDef = graph };
        metaGraph.MetaInfoDef.Tags.Add("serve");
        metaGraph.SignatureDef["serving_default"] = Signature("inverse:0", shape);
        metaGraph.SignatureDef["double"] = Signature("doubled:0", shape);
        var model = new Tensorflow.SavedModel { SavedModelSchemaVersion = 1 };
        model.MetaGraphs.Add(metaGraph);
        File.WriteAllBytes(Path.Combine(directory, "saved_model.pb"), model.ToByteArray());
        return directory;
    }

    private static SignatureDef Signature(string output, TensorShapeProto shape)
    {
        var signature = new SignatureDef { MethodName = "tensorflow/serving/predict" };
        signature.Inputs["x"] = new TensorInfo { Name = "x:0", Dtype = DataType.DtFloat, TensorShape = shape };
        signature.Outputs["y"] = new TensorInfo { Name = output, Dtype = DataType.DtFloat, TensorShape = shape };
        return signature;
    }

    private static NodeDef Node(string name, string op, string[] inputs, params (string Key, AttrValue Value)[] attrs)
    {
        var node = new NodeDef { Name = name, Op = op };
        node.Input.AddRange(inputs);
        foreach (var (key, value) in attrs)
        {
            node.Attr[key] = value;
        }

        return node;
    }

    private static Dictionary<string, float[]> Run(InferenceSession session, Dictionary<string, (long[] Shape, float[] Values)> feeds)
    {
        var values = feeds.ToDictionary(p => p.Key, p => OrtValue.CreateTensorValueFromMemory(p.Value.Values, p.Value.Shape));
        try
        {
            using var runOptions = new RunOptions();
            var names = session.OutputNames;
            using var outputs = session.Run(runOptions, values.Keys.ToArray(), values.Values.ToArray(), names);
            return names.Select((name, i) => KeyValuePair.Create(name, outputs[i].GetTensorDataAsSpan<float>().ToArray())).ToDictionary();
        }
        finally
        {
            foreach (var value in values.Values)
            {
                value.Dispose();
            }
        }
    }
}
