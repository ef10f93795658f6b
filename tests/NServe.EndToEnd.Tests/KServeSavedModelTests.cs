using System.Globalization;
using System.Text;
using System.Text.Json;
using Grpc.Net.Client;
using NServe.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace NServe.EndToEnd.Tests;

/// <summary>KServe v2 on a multi-input SavedModel written by real TensorFlow, answers checked against its golden.</summary>
public sealed class KServeSavedModelTests(ITestOutputHelper output) : IDisposable
{
    private const string Model = "vespa__Model_B_fm_standard";

    private readonly string _root = Directory.CreateTempSubdirectory("nserve-e2e-kserve-tf-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task RestAndGrpcInferOnTwoInputsMatchTensorFlow()
    {
        if (TestPaths.SharedTestData is not { } testData)
        {
            output.WriteLine("SKIPPED: ../shared/testdata is absent.");
            return;
        }

        Directory.CreateDirectory(Path.Combine(_root, Model));
        Directory.CreateSymbolicLink(Path.Combine(_root, Model, "1"), Path.Combine(testData, "savedmodels", Model));
        using var golden = JsonDocument.Parse(File.ReadAllText(Path.Combine(testData, "golden", Model, "serving_default.json")));
        var inputs = golden.RootElement.GetProperty("inputs");
        var expected = golden.RootElement.GetProperty("outputs").GetProperty("output").GetProperty("values").EnumerateArray().Select(v => v.GetDouble()).ToArray();

        await using var server = await ServerProcess.StartAsync($"--model_name={Model}", $"--model_base_path={Path.Combine(_root, Model)}");

        var (readyStatus, _) = await Json.GetAsync(server.Http, $"/v2/models/{Model}/ready");
        Assert.Equal(200, readyStatus);
        var (metadataStatus, metadata) = await Json.GetAsync(server.Http, $"/v2/models/{Model}");
        Assert.Equal(200, metadataStatus);
        Assert.Contains("input_embedding_user_guid", metadata);

        var request = new StringBuilder("{\"inputs\": [");
        var first = true;
        foreach (var input in inputs.EnumerateObject())
        {
            var shape = string.Join(",", input.Value.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()));
            var data = string.Join(",", input.Value.GetProperty("values").EnumerateArray().Select(v => v.GetDouble().ToString("R", CultureInfo.InvariantCulture)));
            request.Append(first ? "" : ",").Append(CultureInfo.InvariantCulture, $"{{\"name\": \"{input.Name}\", \"shape\": [{shape}], \"datatype\": \"FP32\", \"data\": [{data}]}}");
            first = false;
        }

        request.Append("]}");
        var (status, body) = await Json.PostAsync(server.Http, $"/v2/models/{Model}/infer", request.ToString());
        Assert.True(status == 200, body);
        using var answer = JsonDocument.Parse(body);
        var result = answer.RootElement.GetProperty("outputs")[0];
        Assert.Equal("output", result.GetProperty("name").GetString());
        AssertClose(expected, result.GetProperty("data").EnumerateArray().Select(v => v.GetDouble()).ToArray());

        var grpcRequest = new Inference.ModelInferRequest { ModelName = Model };
        foreach (var input in inputs.EnumerateObject())
        {
            var tensor = new Inference.ModelInferRequest.Types.InferInputTensor { Name = input.Name, Datatype = "FP32" };
            tensor.Shape.AddRange(input.Value.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()));
            tensor.Contents = new Inference.InferTensorContents();
            tensor.Contents.Fp32Contents.AddRange(input.Value.GetProperty("values").EnumerateArray().Select(v => (float)v.GetDouble()));
            grpcRequest.Inputs.Add(tensor);
        }

        var client = new Inference.GRPCInferenceService.GRPCInferenceServiceClient(server.Channel);
        var grpcResponse = await client.ModelInferAsync(grpcRequest);
        var grpcOutput = Assert.Single(grpcResponse.Outputs);
        AssertClose(expected, grpcOutput.Contents.Fp32Contents.Select(v => (double)v).ToArray());
    }

    private static void AssertClose(double[] expected, double[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-4 + (1e-3 * Math.Abs(expected[i])), $"[{i}] {actual[i]} vs {expected[i]}");
        }
    }
}
