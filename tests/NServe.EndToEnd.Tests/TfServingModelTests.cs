using System.Text.Json;
using Grpc.Core;
using NServe.EndToEnd.Tests.Infrastructure;
using Tensorflow.Serving;
using Xunit.Abstractions;

namespace NServe.EndToEnd.Tests;

/// <summary>TF Serving's own test SavedModels and the answers its own tests expect (server_tests.md).</summary>
public sealed class TfServingModelTests(ITestOutputHelper output)
{
    private static string? TfServing => TestPaths.SharedTestData is { } data ? Path.Combine(data, "tfserving") : null;

    [Fact]
    public async Task HalfPlusTwoAnswersAsTfServingsOwnTestsExpect()
    {
        if (TfServing is not { } testData)
        {
            output.WriteLine("SKIPPED: ../shared/testdata is absent.");
            return;
        }

        await using var server = await ServerProcess.StartAsync(
            "--model_name=default", $"--model_base_path={Path.Combine(testData, "saved_model_half_plus_two_cpu")}");

        var (status, body) = await Json.PostAsync(server.Http, "/v1/models/default:predict", """{"instances": [1.0, 2.0, 5.0]}""");
        Assert.True(status == 200, body);
        Assert.Equal([2.5, 3.0, 4.5], Json.Numbers(body, "predictions"));
        var (columnar, columnarBody) = await Json.PostAsync(server.Http, "/v1/models/default:predict", """{"inputs": [2.0, 3.0, 4.0]}""");
        Assert.Equal(200, columnar);
        Assert.Equal([3.0, 3.5, 4.0], Json.Numbers(columnarBody, "outputs"));

        var (statusCode, statusBody) = await Json.GetAsync(server.Http, "/v1/models/default");
        Assert.Equal(200, statusCode);
        using (var statusJson = JsonDocument.Parse(statusBody))
        using (var expectedStatus = JsonDocument.Parse("""{"model_version_status": [{"version": "123", "state": "AVAILABLE", "status": {"error_code": "OK", "error_message": ""}}]}"""))
        {
            Assert.True(JsonElement.DeepEquals(expectedStatus.RootElement, statusJson.RootElement), statusBody);
        }

        var (metadataCode, metadata) = await Json.GetAsync(server.Http, "/v1/models/default/metadata");
        Assert.Equal(200, metadataCode);
        using (var actual = JsonDocument.Parse(metadata))
        using (var expected = JsonDocument.Parse(File.ReadAllText(Path.Combine(testData, "half_plus_two_model_metadata.json"))))
        {
            Assert.True(JsonElement.DeepEquals(expected.RootElement.GetProperty("model_spec"), actual.RootElement.GetProperty("model_spec")), metadata);
            var expectedSignatures = expected.RootElement.GetProperty("metadata").GetProperty("signature_def").GetProperty("signature_def");
            var actualSignatures = actual.RootElement.GetProperty("metadata").GetProperty("signature_def").GetProperty("signature_def");
            foreach (var signature in expectedSignatures.EnumerateObject())
            {
                Assert.True(
                    actualSignatures.TryGetProperty(signature.Name, out var mine) && JsonElement.DeepEquals(signature.Value, mine),
                    $"signature {signature.Name} differs: {(mine.ValueKind == JsonValueKind.Undefined ? "missing" : mine.GetRawText())}");
            }

            Assert.Equal(expectedSignatures.EnumerateObject().Count(), actualSignatures.EnumerateObject().Count());
        }

        var prediction = new PredictionService.PredictionServiceClient(server.Channel);
        var response = await prediction.PredictAsync(GrpcPredictTests.HalfPlusTwoRequest("default", 2.0f), deadline: DateTime.UtcNow.AddSeconds(5));
        Assert.Equal([3.0f], response.Outputs["y"].FloatVal);
        Assert.Equal(123L, response.ModelSpec.Version);
        Assert.Equal("serving_default", response.ModelSpec.SignatureName);

        var missing = await Assert.ThrowsAsync<RpcException>(() => prediction.PredictAsync(GrpcPredictTests.HalfPlusTwoRequest("intentionally_missing_model", 1)).ResponseAsync);
        Assert.Contains("Servable", missing.Status.Detail);
    }

    [Fact]
    public async Task TheTf2ModelGivesTheSameAnswersAndTheLegacyBundleFailsClearly()
    {
        if (TfServing is not { } testData)
        {
            output.WriteLine("SKIPPED: ../shared/testdata is absent.");
            return;
        }

        var config = Path.Combine(Path.GetTempPath(), $"nserve-tfserving-{Guid.NewGuid():N}.config");
        File.WriteAllText(config, $$"""
            model_config_list {
              config { name: 'tf2' base_path: '{{Path.Combine(testData, "saved_model_half_plus_two_tf2_cpu")}}' model_platform: 'tensorflow' }
              config { name: 'bad' base_path: '{{Path.Combine(testData, "bad_half_plus_two")}}' model_platform: 'tensorflow' }
              config { name: 'three' base_path: '{{Path.Combine(testData, "saved_model_half_plus_three")}}' model_platform: 'tensorflow' }
            }
            """);
        try
        {
            await using var server = await ServerProcess.StartAsync($"--model_config_file={config}");
            var (status, body) = await Json.PostAsync(server.Http, "/v1/models/tf2:predict", """{"instances": [1.0, 2.0, 5.0]}""");
            Assert.True(status == 200, body);
            Assert.Equal([2.5, 3.0, 4.5], Json.Numbers(body, "predictions"));
            var (threeStatus, three) = await Json.PostAsync(server.Http, "/v1/models/three:predict", """{"instances": [2.0]}""");
            Assert.True(threeStatus == 200, three);
            Assert.Equal([4.0], Json.Numbers(three, "predictions"));

            var (badCode, bad) = await Json.GetAsync(server.Http, "/v1/models/bad");
            Assert.Equal(200, badCode);
            Assert.Contains("\"END\"", bad);
            Assert.Contains("legacy SessionBundle", bad);
        }
        finally
        {
            File.Delete(config);
        }
    }
}
