using NServe.EndToEnd.Tests.Infrastructure;
using Tensorflow;
using Tensorflow.Serving;
using Xunit.Abstractions;

namespace NServe.EndToEnd.Tests;

/// <summary>
/// TF Serving's stateful <c>saved_model_counter</c> through the real server: its float variable <c>counter</c>
/// (checkpoint value 0) keeps what AssignAdd/Assign leave in it for as long as the version is loaded.
/// </summary>
public sealed class CounterModelTests(ITestOutputHelper output)
{
    [Fact]
    public async Task TheCounterKeepsItsStateAcrossRequests()
    {
        if (TestPaths.SharedTestData is not { } testData)
        {
            output.WriteLine("SKIPPED: ../shared/testdata is absent.");
            return;
        }

        await using var server = await ServerProcess.StartAsync(
            "--model_name=counter", $"--model_base_path={Path.Combine(testData, "tfserving", "saved_model_counter")}");
        var prediction = new PredictionService.PredictionServiceClient(server.Channel);

        Assert.Equal(0f, await Counter(prediction, "get_counter"));
        Assert.Equal(1f, await Counter(prediction, "incr_counter"));
        Assert.Equal(4f, await Counter(prediction, "incr_counter_by", delta: 3f));
        Assert.Equal(4f, await Counter(prediction, "get_counter"));
        Assert.Equal(0f, await Counter(prediction, "reset_counter"));
        Assert.Equal(0f, await Counter(prediction, "get_counter"));

        // REST reaches the same state; as in TF Serving, REST cannot call a signature without inputs.
        var (status, body) = await Json.PostAsync(server.Http, "/v1/models/counter:predict", """{"signature_name": "incr_counter_by", "inputs": {"delta": 2.5}}""");
        Assert.True(status == 200, body);
        Assert.Equal("""{"outputs":2.5}""", body.Replace(" ", "", StringComparison.Ordinal).Replace("\n", "", StringComparison.Ordinal));
        var (noInputs, error) = await Json.PostAsync(server.Http, "/v1/models/counter:predict", """{"signature_name": "get_counter", "inputs": {}}""");
        Assert.Equal(400, noInputs);
        Assert.Contains("Failed to get input map for signature: get_counter", error);
        Assert.Equal(2.5f, await Counter(prediction, "get_counter"));
    }

    private static async Task<float> Counter(PredictionService.PredictionServiceClient prediction, string signature, float? delta = null)
    {
        var request = new PredictRequest { ModelSpec = new ModelSpec { Name = "counter", SignatureName = signature } };
        if (delta is { } value)
        {
            var tensor = new TensorProto { Dtype = DataType.DtFloat, TensorShape = new TensorShapeProto() };
            tensor.FloatVal.Add(value);
            request.Inputs.Add("delta", tensor);
        }

        var response = await prediction.PredictAsync(request, deadline: DateTime.UtcNow.AddSeconds(10));
        var output = Assert.Single(response.Outputs);
        Assert.Equal("output", output.Key);
        Assert.Equal(DataType.DtFloat, output.Value.Dtype);
        Assert.Empty(output.Value.TensorShape.Dim);
        return Assert.Single(output.Value.FloatVal);
    }
}
