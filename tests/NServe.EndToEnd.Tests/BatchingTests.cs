using Grpc.Core;
using NServe.EndToEnd.Tests.Infrastructure;
using Tensorflow;
using Tensorflow.Serving;

namespace NServe.EndToEnd.Tests;

/// <summary>--enable_batching through the real server: concurrent callers each get their own rows back.</summary>
public sealed class BatchingTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("nserve-e2e-batching-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task ConcurrentRestAndGrpcCallersGetTheirOwnRows()
    {
        var parameters = Path.Combine(_root, "batching.config");
        File.WriteAllText(parameters, """
            max_batch_size { value: 16 }
            batch_timeout_micros { value: 5000 }
            max_enqueued_batches { value: 100 }
            num_batch_threads { value: 2 }
            allowed_batch_sizes: 4
            allowed_batch_sizes: 8
            allowed_batch_sizes: 16
            """);
        var monitoring = Path.Combine(_root, "monitoring.config");
        File.WriteAllText(monitoring, "prometheus_config { enable: true path: \"/monitoring/prometheus/metrics\" }");
        await using var server = await ServerProcess.StartAsync(
            "--model_name=half_plus_two",
            "--model_base_path=examples/half_plus_two",
            "--enable_batching",
            $"--batching_parameters_file={parameters}",
            $"--monitoring_config_file={monitoring}");
        var grpc = new PredictionService.PredictionServiceClient(server.Channel);

        var calls = Enumerable.Range(0, 48).Select(async i =>
        {
            var rows = 1 + (i % 3);
            var xs = Enumerable.Range(0, rows).Select(r => (float)((i * 10) + r)).ToArray();
            float[] ys;
            if (i % 2 == 0)
            {
                var (status, body) = await Json.PostAsync(server.Http, "/v1/models/half_plus_two:predict", $$"""{"instances": [{{string.Join(", ", xs)}}]}""");
                Assert.Equal(200, status);
                ys = Json.Numbers(body, "predictions").Select(v => (float)v).ToArray();
            }
            else
            {
                var request = new PredictRequest { ModelSpec = new ModelSpec { Name = "half_plus_two" } };
                var tensor = new TensorProto { Dtype = DataType.DtFloat, TensorShape = new TensorShapeProto() };
                tensor.TensorShape.Dim.Add(new TensorShapeProto.Types.Dim { Size = rows });
                tensor.FloatVal.Add(xs);
                request.Inputs.Add("x", tensor);
                ys = (await grpc.PredictAsync(request)).Outputs["y"].FloatVal.ToArray();
            }

            Assert.Equal(xs.Select(x => (0.5f * x) + 2f), ys);
        });
        await Task.WhenAll(calls);

        // TF Serving's batching metrics moved: every task was queued, batches ran at allowed (padded) sizes.
        var (_, page) = await Json.GetAsync(server.Http, "/monitoring/prometheus/metrics");
        Assert.Matches(@":tensorflow:serving:batching_session:queuing_latency_count\{thread_pool_name=""[^""]+""\} 48", page);
        Assert.Matches(@":tensorflow:serving:batching_session:input_batch_size_count(\{\})? [1-9]", page);
        Assert.Matches(@":tensorflow:serving:batching_session:padding_size_count\{execution_batch_size=""(4|8|16)""\} [1-9]", page);

        // A scalar input cannot be batched: TF Serving's message.
        var scalar = new PredictRequest { ModelSpec = new ModelSpec { Name = "half_plus_two" } };
        scalar.Inputs.Add("x", new TensorProto { Dtype = DataType.DtFloat, TensorShape = new TensorShapeProto(), FloatVal = { 1f } });
        var error = await Assert.ThrowsAsync<RpcException>(() => grpc.PredictAsync(scalar).ResponseAsync);
        Assert.Contains("Batching Run() input tensors must have at least one dimension", error.Status.Detail);
    }

    [Fact]
    public async Task AnEditedParametersFileAppliesOnConfigReloadWithoutReloadingTheModel()
    {
        var model = Path.Combine(_root, "linear");
        LinearModel.Write(Path.Combine(model, "1"), 0.5f, 2f);
        var parameters = Path.Combine(_root, "batching.config");
        File.WriteAllText(parameters, "max_batch_size { value: 4 }\nnum_batch_threads { value: 1 }\n");
        var configText = $"model_config_list {{ config {{ name: 'linear' base_path: '{model}' model_platform: 'onnx' }} }}";
        var configPath = Path.Combine(_root, "models.config");
        File.WriteAllText(configPath, configText);
        await using var server = await ServerProcess.StartAsync(
            $"--model_config_file={configPath}", "--enable_batching", $"--batching_parameters_file={parameters}");
        const string FiveRows = """{"instances": [1.0, 2.0, 3.0, 4.0, 5.0]}""";

        var (status, body) = await Json.PostAsync(server.Http, "/v1/models/linear:predict", FiveRows);
        Assert.Equal(400, status);
        Assert.Contains("Task size 5 is larger than maximum input batch size 4", body);

        // TF Serving reads batching parameters only at start (serving#2008); NServe re-reads them on reload.
        File.WriteAllText(parameters, "max_batch_size { value: 8 }\nnum_batch_threads { value: 1 }\n");
        var client = new ModelService.ModelServiceClient(server.Channel);
        var config = new ModelServerConfig { ModelConfigList = new ModelConfigList() };
        config.ModelConfigList.Config.Add(new ModelConfig { Name = "linear", BasePath = model, ModelPlatform = "onnx" });
        var response = await client.HandleReloadConfigRequestAsync(new ReloadConfigRequest { Config = config });
        Assert.Equal(Tensorflow.Error.Code.Ok, response.Status.ErrorCode);

        (status, body) = await Json.PostAsync(server.Http, "/v1/models/linear:predict", FiveRows);
        Assert.Equal(200, status);
        Assert.Equal([2.5, 3.0, 3.5, 4.0, 4.5], Json.Numbers(body, "predictions"));
        Assert.Contains("Batching parameters changed for 1 servable version(s)", server.Output);
        // The same version kept serving: it was loaded once.
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(server.Output, "Loading servable version"));
    }
}
