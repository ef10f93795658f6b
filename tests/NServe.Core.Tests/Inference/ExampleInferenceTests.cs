using Google.Protobuf;
using NServe.Core.Errors;
using NServe.Core.Inference;
using NServe.Core.Servables;
using NServe.Core.Tensors;
using Tensorflow;
using Tensorflow.Serving;

namespace NServe.Core.Tests.Inference;

/// <summary>
/// Classify/Regress/MultiInference over a servable that records what it is fed: the examples arrive as TF
/// Serving serializes them, the signature checks and result conversion follow classifier.cc/regressor.cc.
/// </summary>
public class ExampleInferenceTests
{
    private static readonly TensorSpec ExamplesSpec = new("tf_example:0", TensorDataType.String, null);

    [Fact]
    public void ContextBytesPrefixEachExampleSoParsingMergesThem()
    {
        var context = Example(("country", "nl"), ("x", "context"));
        var input = new Input { ExampleListWithContext = new ExampleListWithContext { Context = context } };
        input.ExampleListWithContext.Examples.Add(Example(("x", "first")));
        input.ExampleListWithContext.Examples.Add(Example(("y", "second")));

        using var tensor = SerializedExamples.ToTensor(input);

        Assert.Equal([2L], tensor.Shape);
        var first = Tensorflow.Example.Parser.ParseFrom(tensor.Strings[0]).Features.Feature;
        Assert.Equal("first", first["x"].BytesList.Value[0].ToStringUtf8());
        Assert.Equal("nl", first["country"].BytesList.Value[0].ToStringUtf8());
        var second = Tensorflow.Example.Parser.ParseFrom(tensor.Strings[1]).Features.Feature;
        Assert.Equal("context", second["x"].BytesList.Value[0].ToStringUtf8());
        Assert.Equal(context.ToByteArray().Concat(Example(("y", "second")).ToByteArray()), tensor.Strings[1]);
    }

    [Fact]
    public void NoExamplesIsInputIsEmpty()
    {
        Assert.Equal("Input is empty.", Assert.Throws<ServingException>(() => SerializedExamples.ToTensor(new Input())).Message);
        Assert.Equal("Input is empty.", Assert.Throws<ServingException>(() => SerializedExamples.ToTensor(new Input { ExampleList = new ExampleList() })).Message);
    }

    [Fact]
    public async Task ClassifyFeedsTheSerializedExamplesAndPairsClassesWithScores()
    {
        var servable = new RecordingServable(SignatureOf("classify", Signature.ClassifyMethod, ("classes", TensorDataType.String), ("scores", TensorDataType.Float)))
        {
            Outputs = () => new Dictionary<string, Tensor>
            {
                ["classes"] = Tensor.FromStrings([2, 2], ["a"u8.ToArray(), "b"u8.ToArray(), "c"u8.ToArray(), "d"u8.ToArray()]),
                ["scores"] = Tensor.FromValues<float>(TensorDataType.Float, [2, 2], [0.1f, 0.9f, 0.6f, 0.4f]),
            },
        };
        var request = new ClassificationRequest { ModelSpec = new ModelSpec { Name = "m", SignatureName = "classify" }, Input = Input(1f, 2f) };

        var response = await new ExampleInference().ClassifyAsync(servable, request, CancellationToken.None);

        Assert.Equal("classify", servable.RanSignature);
        Assert.Equal(["classes", "scores"], servable.RanOutputs);
        Assert.Equal(request.Input.ExampleList.Examples.Select(e => e.ToByteArray()), servable.Fed);
        Assert.Equal(new ModelSpec { Name = "m", SignatureName = "classify", Version = 7 }, response.ModelSpec);
        Assert.Equal(
            [[("a", 0.1f), ("b", 0.9f)], [("c", 0.6f), ("d", 0.4f)]],
            response.Result.Classifications.Select(c => c.Classes.Select(k => (k.Label, k.Score)).ToArray()).ToArray());
    }

    [Fact]
    public async Task RegressReadsOutputsShapedNOrNBy1UnderTheDefaultSignature()
    {
        var servable = new RecordingServable(SignatureOf(Signature.DefaultKey, Signature.RegressMethod, ("outputs", TensorDataType.Float)))
        {
            Outputs = () => new Dictionary<string, Tensor> { ["outputs"] = Tensor.FromValues<float>(TensorDataType.Float, [2, 1], [3f, 4f]) },
        };

        var response = await new ExampleInference().RegressAsync(servable, new RegressionRequest { ModelSpec = new ModelSpec { Name = "m" }, Input = Input(2f, 4f) }, CancellationToken.None);

        Assert.Equal(Signature.DefaultKey, response.ModelSpec.SignatureName);
        Assert.Equal([3f, 4f], response.Result.Regressions.Select(r => r.Value));
    }

    [Fact]
    public async Task SignatureChecksUseTfServingsMessages()
    {
        var predict = new RecordingServable(SignatureOf("p", Signature.PredictMethod, ("outputs", TensorDataType.Float)));
        var inference = new ExampleInference();
        var strict = new ExampleInference(checkSignatureMethodName: true);

        Assert.Equal(
            "No signature was found with the name: nope",
            (await Assert.ThrowsAsync<ServingException>(() => inference.RegressAsync(predict, Regress("nope"), CancellationToken.None))).Message);
        Assert.Equal(
            "Expected regression signature method_name to be tensorflow/serving/regress. Was: tensorflow/serving/predict",
            (await Assert.ThrowsAsync<ServingException>(() => strict.RegressAsync(predict, Regress("p"), CancellationToken.None))).Message);
        var noScores = await Assert.ThrowsAsync<ServingException>(() => inference.ClassifyAsync(predict, new ClassificationRequest { ModelSpec = new ModelSpec { SignatureName = "p" }, Input = Input(1f) }, CancellationToken.None));
        Assert.StartsWith("Expected classification signature outputs to contain at least one of \"classes\" or \"scores\". Signature was: inputs {", noScores.Message, StringComparison.Ordinal);
        Assert.Equal(StatusCode.InvalidArgument, noScores.Code);

        // Without the method check a predict-method signature regresses (TF2 SavedModels mark them so).
        predict.Outputs = () => new Dictionary<string, Tensor> { ["outputs"] = Tensor.FromValues<float>(TensorDataType.Float, [1, 3], [1f, 2f, 3f]) };
        Assert.Equal(
            "Expected output Tensor shape to be either [batch_size] or [batch_size, 1] but got [1,3]",
            (await Assert.ThrowsAsync<ServingException>(() => inference.RegressAsync(predict, Regress("p"), CancellationToken.None))).Message);
    }

    [Fact]
    public async Task MultiInferenceRunsEachTaskOnTheSameExamplesAndChecksTheTasks()
    {
        var servable = new RecordingServable(
            SignatureOf("r", Signature.RegressMethod, ("outputs", TensorDataType.Float)),
            SignatureOf("c", Signature.ClassifyMethod, ("scores", TensorDataType.Float)))
        {
            Outputs = () => new Dictionary<string, Tensor>
            {
                ["outputs"] = Tensor.FromValues<float>(TensorDataType.Float, [1], [3f]),
                ["scores"] = Tensor.FromValues<float>(TensorDataType.Float, [1, 1], [5f]),
            },
        };
        var request = new MultiInferenceRequest { Input = Input(2f) };
        request.Tasks.Add(new InferenceTask { ModelSpec = new ModelSpec { Name = "m", SignatureName = "r" }, MethodName = Signature.RegressMethod });
        request.Tasks.Add(new InferenceTask { ModelSpec = new ModelSpec { Name = "m", SignatureName = "c" }, MethodName = Signature.ClassifyMethod });
        var inference = new ExampleInference();

        var response = await inference.MultiInferenceAsync(servable, request, CancellationToken.None);

        Assert.Equal(3f, response.Results[0].RegressionResult.Regressions[0].Value);
        Assert.Equal(new ModelSpec { Name = "m", SignatureName = "r", Version = 7 }, response.Results[0].ModelSpec);
        Assert.Equal(5f, response.Results[1].ClassificationResult.Classifications[0].Classes[0].Score);
        Assert.Equal("", response.Results[1].ClassificationResult.Classifications[0].Classes[0].Label);

        request.Tasks.Add(request.Tasks[0].Clone());
        Assert.Equal("Duplicate evaluation of signature: r", (await Assert.ThrowsAsync<ServingException>(() => inference.MultiInferenceAsync(servable, request, CancellationToken.None))).Message);
        request.Tasks[2] = new InferenceTask { ModelSpec = new ModelSpec { Name = "other", SignatureName = "x" }, MethodName = Signature.RegressMethod };
        Assert.Equal(
            "All ModelSpecs in a MultiInferenceRequest must access the same model name.",
            (await Assert.ThrowsAsync<ServingException>(() => inference.MultiInferenceAsync(servable, request, CancellationToken.None))).Message);
        request.Tasks[2] = new InferenceTask { ModelSpec = new ModelSpec { Name = "m", SignatureName = "r2" }, MethodName = Signature.PredictMethod };
        var unsupported = await Assert.ThrowsAsync<ServingException>(() => inference.MultiInferenceAsync(servable, request, CancellationToken.None));
        Assert.Equal(StatusCode.InvalidArgument, unsupported.Code);
        Assert.Equal("Requested signature not found in model graph: r2", unsupported.Message);
    }

    private static RegressionRequest Regress(string signature) =>
        new() { ModelSpec = new ModelSpec { Name = "m", SignatureName = signature }, Input = Input(1f) };

    private static Input Input(params float[] xs)
    {
        var input = new Input { ExampleList = new ExampleList() };
        foreach (var x in xs)
        {
            var example = new Example { Features = new Features() };
            example.Features.Feature["x"] = new Feature { FloatList = new FloatList { Value = { x } } };
            input.ExampleList.Examples.Add(example);
        }

        return input;
    }

    private static Example Example(params (string Name, string Value)[] features)
    {
        var example = new Example { Features = new Features() };
        foreach (var (name, value) in features)
        {
            example.Features.Feature[name] = new Feature { BytesList = new BytesList { Value = { ByteString.CopyFromUtf8(value) } } };
        }

        return example;
    }

    private static (string, Signature) SignatureOf(string key, string method, params (string Alias, TensorDataType Type)[] outputs) =>
        (key, new Signature(
            method,
            [new("inputs", ExamplesSpec)],
            outputs.Select(o => new KeyValuePair<string, TensorSpec>(o.Alias, new TensorSpec(o.Alias + ":0", o.Type, [-1, 1]))).ToList()));

    private sealed class RecordingServable(params (string Key, Signature Signature)[] signatures) : IServable
    {
        public Func<Dictionary<string, Tensor>> Outputs { get; set; } = () => [];

        public string? RanSignature { get; private set; }

        public IReadOnlyCollection<string>? RanOutputs { get; private set; }

        public byte[][] Fed { get; private set; } = [];

        public ServableId Id { get; } = new("m", 7);

        public string Platform => "test";

        public IReadOnlyDictionary<string, Signature> Signatures { get; } = signatures.ToDictionary(s => s.Key, s => s.Signature);

        public ValueTask<IReadOnlyDictionary<string, Tensor>> RunAsync(string signatureKey, IReadOnlyDictionary<string, Tensor> inputs, IReadOnlyCollection<string>? outputFilter, CancellationToken cancellationToken)
        {
            RanSignature = signatureKey;
            RanOutputs = outputFilter;
            Fed = inputs["inputs"].Strings;
            var all = Outputs();
            IReadOnlyDictionary<string, Tensor> wanted = all.Where(o => outputFilter!.Contains(o.Key)).ToDictionary(o => o.Key, o => o.Value);
            return ValueTask.FromResult(wanted);
        }

        public void Dispose()
        {
        }
    }
}
