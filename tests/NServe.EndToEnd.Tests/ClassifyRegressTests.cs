using System.Text.Json;
using Grpc.Core;
using NServe.EndToEnd.Tests.Infrastructure;
using Tensorflow;
using Tensorflow.Serving;
using Xunit.Abstractions;

namespace NServe.EndToEnd.Tests;

/// <summary>
/// Classify, Regress and MultiInference through the real server on TF Serving's own half_plus_two SavedModels,
/// with the answers its tests expect (server_tests.md: tensorflow_model_server_test.py and
/// http_rest_api_handler_test.cc), on both protocols.
/// </summary>
public sealed class ClassifyRegressTests(ITestOutputHelper output)
{
    private static string? TfServing => TestPaths.SharedTestData is { } data ? Path.Combine(data, "tfserving") : null;

    [Fact]
    public async Task HalfPlusTwoClassifiesAndRegressesOverRestAsTfServingsTestsExpect()
    {
        if (TfServing is not { } testData)
        {
            output.WriteLine("SKIPPED: ../shared/testdata is absent.");
            return;
        }

        await using var server = await ServerProcess.StartAsync(
            "--model_name=default", $"--model_base_path={Path.Combine(testData, "saved_model_half_plus_two_cpu")}");

        await AssertJsonAsync(server, "/v1/models/default:classify", """{"signature_name": "classify_x_to_y", "examples": [{"x": 2.0}]}""", """{"results": [[["", 3.0]]]}""");
        await AssertJsonAsync(server, "/v1/models/default:regress", """{"signature_name": "regress_x_to_y", "examples": [{"x": 2.0}]}""", """{"results": [3.0]}""");
        await AssertJsonAsync(server, "/v1/models/default/versions/123:regress", """{"signature_name": "regress_x_to_y2", "examples": [{"x": 1.0}, {"x": 2.0}]}""", """{"results": [3.5, 4.0]}""");

        // The context's features reach every example; an example's own feature wins over the context's.
        await AssertJsonAsync(server, "/v1/models/default:regress", """{"signature_name": "regress_x_to_y", "context": {"x": 10.0}, "examples": [{}, {"x": 2.0}]}""", """{"results": [7.0, 3.0]}""");

        // Bad Example JSON: refused while reading the body, or by the model's ParseExample.
        await AssertErrorAsync(server, "/v1/models/default:regress", """{"signature_name": "regress_x_to_y", "examples": [{"x": [2.0, 3]}]}""", 400, "Unexpected element type in feature: x expecting type: float");
        await AssertErrorAsync(server, "/v1/models/default:regress", """{"signature_name": "regress_x_to_y", "examples": [{"x": null}]}""", 400, "Feature: x has element with unexpected JSON type: Null");
        await AssertErrorAsync(server, "/v1/models/default:regress", """{"signature_name": "regress_x_to_y", "examples": []}""", 400, "'examples' value is an empty array");
        await AssertErrorAsync(server, "/v1/models/default:classify", """{"signature_name": "classify_x_to_y"}""", 400, "When method is classify, key 'examples' is expected and was not found");
        await AssertErrorAsync(server, "/v1/models/default:regress", """{"signature_name": "regress_x_to_y", "examples": [{"x": 2}]}""", 400, "Feature: x.  Data types don't match. Data type: int64 but expected type: float");
        await AssertErrorAsync(server, "/v1/models/default:regress", """{"signature_name": "regress_x_to_y", "examples": [{"y": 2.0}]}""", 400, "Feature: x (data type: float) is required but could not be found.");

        // Signature checks, with TF Serving's texts.
        await AssertErrorAsync(server, "/v1/models/default:classify", """{"signature_name": "regress_x_to_y", "examples": [{"x": 2.0}]}""", 400, "Expected classification signature outputs to contain at least one of \"classes\" or \"scores\". Signature was: ");
        await AssertErrorAsync(server, "/v1/models/default:regress", """{"examples": [{"x": 2.0}]}""", 400, "No regression inputs found in SignatureDef: ");
        await AssertErrorAsync(server, "/v1/models/default:regress", """{"signature_name": "nope", "examples": [{"x": 2.0}]}""", 400, "No signature was found with the name: nope");
        await AssertErrorAsync(server, "/v1/models/missing:regress", """{"signature_name": "regress_x_to_y", "examples": [{"x": 2.0}]}""", 404, "Servable not found for request: Latest(missing)");

        // Unlike predict, the body is read before the model is looked up: its error wins over an unknown model.
        await AssertErrorAsync(server, "/v1/models/missing:classify", """{"examples": 1}""", 400, "Expecting 'examples' value to be an list/array");
    }

    [Fact]
    public async Task HalfPlusTwoClassifiesRegressesAndMultiInfersOverGrpc()
    {
        if (TfServing is not { } testData)
        {
            output.WriteLine("SKIPPED: ../shared/testdata is absent.");
            return;
        }

        await using var server = await ServerProcess.StartAsync(
            "--model_name=default", $"--model_base_path={Path.Combine(testData, "saved_model_half_plus_two_cpu")}");
        var client = new PredictionService.PredictionServiceClient(server.Channel);
        var deadline = DateTime.UtcNow.AddSeconds(30);

        var classification = await client.ClassifyAsync(
            new ClassificationRequest { ModelSpec = new ModelSpec { Name = "default", SignatureName = "classify_x_to_y" }, Input = Examples(2.0f) }, deadline: deadline);
        var classes = Assert.Single(Assert.Single(classification.Result.Classifications).Classes);
        Assert.Equal(3.0f, classes.Score);
        Assert.Equal("", classes.Label);
        Assert.Equal(new ModelSpec { Name = "default", SignatureName = "classify_x_to_y", Version = 123 }, classification.ModelSpec);

        var regression = await client.RegressAsync(
            new RegressionRequest { ModelSpec = new ModelSpec { Name = "default", SignatureName = "regress_x_to_y" }, Input = Examples(2.0f) }, deadline: deadline);
        Assert.Equal(3.0f, Assert.Single(regression.Result.Regressions).Value);
        Assert.Equal(new ModelSpec { Name = "default", SignatureName = "regress_x_to_y", Version = 123 }, regression.ModelSpec);

        var withContext = new Input { ExampleListWithContext = new ExampleListWithContext { Context = Examples(10.0f).ExampleList.Examples[0] } };
        withContext.ExampleListWithContext.Examples.Add(new Example());
        withContext.ExampleListWithContext.Examples.Add(Examples(4.0f).ExampleList.Examples[0]);
        var contextual = await client.RegressAsync(
            new RegressionRequest { ModelSpec = new ModelSpec { Name = "default", SignatureName = "regress_x_to_y" }, Input = withContext }, deadline: deadline);
        Assert.Equal([7.0f, 4.0f], contextual.Result.Regressions.Select(r => r.Value));

        var multi = new MultiInferenceRequest { Input = Examples(2.0f) };
        multi.Tasks.Add(new InferenceTask { ModelSpec = new ModelSpec { Name = "default", SignatureName = "regress_x_to_y" }, MethodName = "tensorflow/serving/regress" });
        multi.Tasks.Add(new InferenceTask { ModelSpec = new ModelSpec { Name = "default", SignatureName = "classify_x_to_y" }, MethodName = "tensorflow/serving/classify" });
        var results = (await client.MultiInferenceAsync(multi, deadline: deadline)).Results;
        Assert.Equal(2, results.Count);
        Assert.Equal(3.0f, results[0].RegressionResult.Regressions[0].Value);
        Assert.Equal(3.0f, results[1].ClassificationResult.Classifications[0].Classes[0].Score);
        Assert.Equal(new ModelSpec { Name = "default", SignatureName = "regress_x_to_y", Version = 123 }, results[0].ModelSpec);
        Assert.Equal(new ModelSpec { Name = "default", SignatureName = "classify_x_to_y", Version = 123 }, results[1].ModelSpec);

        var empty = await Assert.ThrowsAsync<RpcException>(() => client.RegressAsync(
            new RegressionRequest { ModelSpec = new ModelSpec { Name = "default", SignatureName = "regress_x_to_y" }, Input = new Input() }, deadline: deadline).ResponseAsync);
        Assert.Equal(Grpc.Core.StatusCode.InvalidArgument, empty.StatusCode);
        Assert.Equal("Input is empty.", empty.Status.Detail);

        multi.Tasks.Add(multi.Tasks[0].Clone());
        var duplicate = await Assert.ThrowsAsync<RpcException>(() => client.MultiInferenceAsync(multi, deadline: deadline).ResponseAsync);
        Assert.Equal(Grpc.Core.StatusCode.InvalidArgument, duplicate.StatusCode);
        Assert.Equal("Duplicate evaluation of signature: regress_x_to_y", duplicate.Status.Detail);

        var noSpec = await Assert.ThrowsAsync<RpcException>(() => client.ClassifyAsync(new ClassificationRequest { Input = Examples(2.0f) }, deadline: deadline).ResponseAsync);
        Assert.Equal("Missing ModelSpec", noSpec.Status.Detail);
    }

    [Fact]
    public async Task TheTwoVersionsModelAnswersTheCppRestHandlerCasesOnVersionsAndLabels()
    {
        if (TfServing is not { } testData)
        {
            output.WriteLine("SKIPPED: ../shared/testdata is absent.");
            return;
        }

        const string model = "saved_model_half_plus_two_2_versions";
        var config = Path.Combine(Path.GetTempPath(), $"nserve-classify-{Guid.NewGuid():N}.config");
        File.WriteAllText(config, $$"""
            model_config_list {
              config {
                name: '{{model}}'
                base_path: '{{Path.Combine(testData, model)}}'
                model_platform: 'tensorflow'
                model_version_policy { specific { versions: 123 } }
                version_labels { key: 'Version_Label' value: 123 }
              }
            }
            """);
        try
        {
            await using var server = await ServerProcess.StartAsync($"--model_config_file={config}");
            const string regress = """{"signature_name": "regress_x_to_y", "examples": [ { "x": 80.0 } ] }""";
            foreach (var path in new[] { $"/v1/models/{model}:regress", $"/v1/models/{model}/versions/123:regress", $"/v1/models/{model}/labels/Version_Label:regress" })
            {
                await AssertJsonAsync(server, path, regress, """{ "results": [42] }""");
            }

            await AssertJsonAsync(server, $"/v1/models/{model}:classify", """{"signature_name": "classify_x_to_y", "examples": [ { "x": 20.0 } ] }""", """{ "results": [[["", 12]]] }""");
            await AssertJsonAsync(server, $"/v1/models/{model}/labels/Version_Label:classify", """{"signature_name": "classify_x_to_y", "examples": [ { "x": 10.0 } ] }""", """{ "results": [[["", 7]]] }""");
            await AssertErrorAsync(server, $"/v1/models/{model}/labels/Version_Nonexistent:classify", """{"signature_name": "classify_x_to_y", "examples": [ { "x": 10.0 } ] }""", 400, "Unrecognized servable version label: Version_Nonexistent");
            await AssertErrorAsync(server, $"/v1/models/{model}/versions/124:regress", regress, 404, "Servable not found for request: Specific(saved_model_half_plus_two_2_versions, 124)");
        }
        finally
        {
            File.Delete(config);
        }
    }

    [Fact]
    public async Task Tf2SignaturesMarkedPredictClassifyUnlessTheMethodNameCheckIsOn()
    {
        if (TfServing is not { } testData)
        {
            output.WriteLine("SKIPPED: ../shared/testdata is absent.");
            return;
        }

        var tf2 = Path.Combine(testData, "saved_model_half_plus_two_tf2_cpu");
        const string body = """{"signature_name": "classify_x_to_y", "examples": [{"x": 2.0}]}""";
        await using (var server = await ServerProcess.StartAsync("--model_name=tf2", $"--model_base_path={tf2}"))
        {
            await AssertJsonAsync(server, "/v1/models/tf2:classify", body, """{"results": [[["", 3.0]]]}""");
            var regression = await new PredictionService.PredictionServiceClient(server.Channel).RegressAsync(
                new RegressionRequest { ModelSpec = new ModelSpec { Name = "tf2", SignatureName = "regress_x_to_y" }, Input = Examples(2.0f) },
                deadline: DateTime.UtcNow.AddSeconds(30));
            Assert.Equal(3.0f, regression.Result.Regressions[0].Value);
        }

        await using (var strict = await ServerProcess.StartAsync("--model_name=tf2", $"--model_base_path={tf2}", "--enable_signature_method_name_check=true"))
        {
            await AssertErrorAsync(
                strict, "/v1/models/tf2:classify", body, 400, "Expected classification signature method_name to be tensorflow/serving/classify. Was: tensorflow/serving/predict");
        }
    }

    internal static Input Examples(params float[] xs)
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

    private static async Task AssertJsonAsync(ServerProcess server, string path, string body, string expected)
    {
        var (status, answer) = await Json.PostAsync(server.Http, path, body);
        Assert.True(status == 200, $"{path}: {status} {answer}");
        using var actual = JsonDocument.Parse(answer);
        using var wanted = JsonDocument.Parse(expected);
        Assert.True(JsonElement.DeepEquals(wanted.RootElement, actual.RootElement), $"{path}: expected {expected}, got {answer}");
    }

    private static async Task<string> AssertErrorAsync(ServerProcess server, string path, string body, int status, string messagePart)
    {
        var (code, answer) = await Json.PostAsync(server.Http, path, body);
        Assert.True(code == status, $"{path}: expected {status}, got {code} {answer}");
        var message = Json.Error(answer);
        Assert.Contains(messagePart, message, StringComparison.Ordinal);
        return message;
    }
}
