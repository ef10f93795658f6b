using System.Globalization;
using System.Runtime.InteropServices;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using NServe.EndToEnd.Tests.Infrastructure;
using Tensorflow;
using Tensorflow.Serving;
using V2 = global::Inference;

namespace NServe.EndToEnd.Tests;

/// <summary>
/// The Prometheus page (--monitoring_config_file) and the gRPC health service
/// (--enable_grpc_healthcheck_service) of the real server, after real REST and gRPC traffic.
/// </summary>
public sealed class MetricsTests : IDisposable
{
    private const string MetricsPath = "/monitoring/prometheus/metrics";

    private readonly string _root = Directory.CreateTempSubdirectory("nserve-e2e-metrics-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task PageCountsAndTimesRestAndGrpcTraffic()
    {
        await using var server = await StartLinearServerAsync();
        var before = await ScrapeAsync(server);
        Assert.Null(before.Value(":tensorflow:serving:request_count{model_name=\"linear\",status=\"OK\"}"));

        for (var i = 0; i < 3; i++)
        {
            var (status, _) = await Json.PostAsync(server.Http, "/v1/models/linear:predict", """{"instances": [1.0, 2.0]}""");
            Assert.Equal(200, status);
        }

        var (missing, _) = await Json.PostAsync(server.Http, "/v1/models/nope:predict", """{"instances": [1.0]}""");
        Assert.Equal(404, missing);
        var prediction = new PredictionService.PredictionServiceClient(server.Channel);
        for (var i = 0; i < 2; i++)
        {
            var response = await prediction.PredictAsync(LinearRequest(4f));
            Assert.Equal([4f * 2 + 1], response.Outputs["y"].FloatVal);
        }

        var (inferred, _) = await Json.PostAsync(
            server.Http, "/v2/models/linear/infer", """{"inputs": [{"name": "x", "shape": [1], "datatype": "FP32", "data": [1.0]}]}""");
        Assert.Equal(200, inferred);
        var infer = new V2.ModelInferRequest { ModelName = "linear" };
        var input = new V2.ModelInferRequest.Types.InferInputTensor { Name = "x", Datatype = "FP32", Shape = { 1 } };
        input.Contents = new V2.InferTensorContents { Fp32Contents = { 3f } };
        infer.Inputs.Add(input);
        await new V2.GRPCInferenceService.GRPCInferenceServiceClient(server.Channel).ModelInferAsync(infer);

        var page = await ScrapeAsync(server);

        // request_count: every request, by model and TF's status name.
        Assert.Equal(3 + 2 + 1 + 1, page.Value(":tensorflow:serving:request_count{model_name=\"linear\",status=\"OK\"}"));
        Assert.Equal(1, page.Value(":tensorflow:serving:request_count{model_name=\"nope\",status=\"NOT_FOUND\"}"));

        // request_latency: successes only, by API and entrypoint, with buckets that moved.
        const string Rest = "model_name=\"linear\",API=\"predict\",entrypoint=\"REST\"";
        Assert.Equal(3, page.Value($":tensorflow:serving:request_latency_count{{{Rest}}}"));
        Assert.Equal(3, page.Value($":tensorflow:serving:request_latency_bucket{{{Rest},le=\"+Inf\"}}"));
        Assert.Equal(3, page.Value($":tensorflow:serving:request_latency_bucket{{{Rest},le=\"1.47476e+09\"}}"));
        Assert.Equal(0, page.Value($":tensorflow:serving:request_latency_bucket{{{Rest},le=\"10\"}}")); // nothing answers in 10 µs
        Assert.True(page.Value($":tensorflow:serving:request_latency_sum{{{Rest}}}") > 30);
        AssertCumulative(page, ":tensorflow:serving:request_latency_bucket{" + Rest);
        Assert.Equal(2, page.Value(":tensorflow:serving:request_latency_count{model_name=\"linear\",API=\"Predict\",entrypoint=\"GRPC\"}"));
        Assert.Equal(1, page.Value(":tensorflow:serving:request_latency_count{model_name=\"linear\",API=\"infer\",entrypoint=\"REST\"}"));
        Assert.Equal(1, page.Value(":tensorflow:serving:request_latency_count{model_name=\"linear\",API=\"ModelInfer\",entrypoint=\"GRPC\"}"));
        Assert.Null(page.Value(":tensorflow:serving:request_latency_count{model_name=\"nope\",API=\"predict\",entrypoint=\"REST\"}"));

        // runtime_latency: the model runs of the TF Serving API (REST and gRPC Predict).
        Assert.Equal(5, page.Value(":tensorflow:serving:runtime_latency_count{model_name=\"linear\",API=\"Predict\",runtime=\"ORT\"}"));

        // NServe's own model metrics and the .NET runtime's.
        Assert.Equal(1, page.Value("nserve_model_version_state{model_name=\"linear\",version=\"1\",state=\"AVAILABLE\"}"));
        Assert.Equal(1, page.Value("nserve_model_load_duration_seconds_count{model_name=\"linear\"}"));
        Assert.True(page.Value("process_cpu_seconds_total") > 0);
        Assert.True(page.Value("process_working_set_bytes") > 0);
        Assert.Contains("\n# TYPE system_runtime_dotnet_gc_collections ", page.Text, StringComparison.Ordinal);
        Assert.Contains("\n# TYPE :tensorflow:serving:batching_session:queuing_latency histogram\n", page.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task QueryStringOnTheMetricsPathIsTfServingsUnexpectedPath()
    {
        await using var server = await StartLinearServerAsync();
        using var response = await server.Http.GetAsync(MetricsPath + "?name=x");
        Assert.Equal(400, (int)response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal($"Unexpected path: {MetricsPath}?name=x. Should be {MetricsPath}", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task CustomPathServesThePageAndTheDefaultPathIsThenNotAMetricsPage()
    {
        var model = WriteLinearModel();
        var config = WriteConfig("prometheus_config { enable: true path: \"/custom/metrics\" }");
        await using var server = await ServerProcess.StartAsync("--model_name=linear", $"--model_base_path={model}", $"--monitoring_config_file={config}");

        var (status, body) = await Json.GetAsync(server.Http, "/custom/metrics");
        Assert.Equal(200, status);
        Assert.Contains("# TYPE :tensorflow:serving:request_count counter", body, StringComparison.Ordinal);
        Assert.Equal(404, (await Json.GetAsync(server.Http, MetricsPath)).Status);
    }

    [Fact]
    public async Task BadMonitoringConfigStopsStartupNamingTheFile()
    {
        var model = WriteLinearModel();
        var config = WriteConfig("prometheus_config { enable: yes please }");
        var (exitCode, output) = await ServerProcess.RunToExitAsync(
            $"--port={FreePort.Next()}", $"--rest_api_port={FreePort.Next()}", "--model_name=linear", $"--model_base_path={model}", $"--monitoring_config_file={config}");

        Assert.NotEqual(0, exitCode);
        Assert.Contains(config, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GrpcHealthIsServingOnceLoadedAndNotServingWhileANewModelLoads()
    {
        var linear = WriteLinearModel();
        var monitoring = WriteConfig($"prometheus_config {{ enable: true path: \"{MetricsPath}\" }}");
        await using var server = await ServerProcess.StartAsync(
            "--model_name=linear", $"--model_base_path={linear}", "--enable_grpc_healthcheck_service", $"--monitoring_config_file={monitoring}");
        Assert.Equal(HealthStatus.Serving, await CheckHealthAsync(server.Channel, ""));
        Assert.Equal(HealthStatus.Serving, await CheckHealthAsync(server.Channel, "tensorflow.serving.PredictionService"));
        var unknown = await Assert.ThrowsAsync<RpcException>(() => CheckHealthAsync(server.Channel, "no.such.Service"));
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);

        // A second model whose model.onnx is a named pipe: its load waits until the test writes the model.
        var slowVersion = Path.Combine(_root, "slow", "1");
        Directory.CreateDirectory(slowVersion);
        var pipe = Path.Combine(slowVersion, "model.onnx");
        Assert.True(MakeFifo(pipe, Convert.ToUInt32("644", 8)) == 0, $"mkfifo failed: {Marshal.GetLastPInvokeError()}");
        var config = new ModelServerConfig { ModelConfigList = new ModelConfigList() };
        config.ModelConfigList.Config.Add(new ModelConfig { Name = "linear", BasePath = linear });
        config.ModelConfigList.Config.Add(new ModelConfig { Name = "slow", BasePath = Path.Combine(_root, "slow") });
        var reload = new ModelService.ModelServiceClient(server.Channel).HandleReloadConfigRequestAsync(new ReloadConfigRequest { Config = config }).ResponseAsync;

        await WaitForHealthAsync(server.Channel, HealthStatus.NotServing);
        Assert.Equal(503, (await Json.GetAsync(server.Http, "/v2/health/ready")).Status);
        var loading = await ScrapeAsync(server);
        Assert.Equal(1, loading.Value("nserve_model_version_state{model_name=\"slow\",version=\"1\",state=\"LOADING\"}"));

        var modelBytes = File.ReadAllBytes(Path.Combine(linear, "1", "model.onnx"));
        await Task.Run(() =>
        {
            using var writer = new FileStream(pipe, FileMode.Open, FileAccess.Write);
            writer.Write(modelBytes);
        }).WaitAsync(TimeSpan.FromSeconds(30));
        await reload.WaitAsync(TimeSpan.FromSeconds(30));

        await WaitForHealthAsync(server.Channel, HealthStatus.Serving);
        Assert.Equal(200, (await Json.GetAsync(server.Http, "/v2/health/ready")).Status);
        var (status, _) = await Json.PostAsync(server.Http, "/v1/models/slow:predict", """{"instances": [1.0]}""");
        Assert.Equal(200, status);
    }

    [Fact]
    public async Task GrpcHealthIsOffWithoutTheFlag()
    {
        await using var server = await StartLinearServerAsync();
        var error = await Assert.ThrowsAsync<RpcException>(() => CheckHealthAsync(server.Channel, ""));
        Assert.Equal(StatusCode.Unimplemented, error.StatusCode);
    }

    private async Task<ServerProcess> StartLinearServerAsync()
    {
        var model = WriteLinearModel();
        var config = WriteConfig($"prometheus_config {{ enable: true path: \"{MetricsPath}\" }}");
        return await ServerProcess.StartAsync("--model_name=linear", $"--model_base_path={model}", $"--monitoring_config_file={config}");
    }

    /// <summary>y = 2x + 1 as version 1 of a model folder.</summary>
    private string WriteLinearModel()
    {
        var folder = Path.Combine(_root, "linear-" + Guid.NewGuid().ToString("N"));
        LinearModel.Write(Path.Combine(folder, "1"), 2, 1);
        return folder;
    }

    private string WriteConfig(string text)
    {
        var file = Path.Combine(_root, "monitoring-" + Guid.NewGuid().ToString("N") + ".txt");
        File.WriteAllText(file, text);
        return file;
    }

    private static PredictRequest LinearRequest(float x)
    {
        var request = new PredictRequest { ModelSpec = new ModelSpec { Name = "linear" } };
        var tensor = new TensorProto { Dtype = DataType.DtFloat, TensorShape = new TensorShapeProto() };
        tensor.TensorShape.Dim.Add(new TensorShapeProto.Types.Dim { Size = 1 });
        tensor.FloatVal.Add(x);
        request.Inputs.Add("x", tensor);
        return request;
    }

    private static async Task<MetricsPage> ScrapeAsync(ServerProcess server)
    {
        using var response = await server.Http.GetAsync(MetricsPath);
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        return new MetricsPage(await response.Content.ReadAsStringAsync());
    }

    /// <summary>Each bucket of a histogram series holds at least as many as the one before.</summary>
    private static void AssertCumulative(MetricsPage page, string seriesPrefix)
    {
        var counts = page.Lines.Where(l => l.Series.StartsWith(seriesPrefix, StringComparison.Ordinal)).Select(l => l.Value).ToList();
        Assert.Equal(34, counts.Count); // 33 bounds of Exponential(10, 1.8, 33) and +Inf
        for (var i = 1; i < counts.Count; i++)
        {
            Assert.True(counts[i] >= counts[i - 1], $"bucket {i} of {seriesPrefix} is below the one before");
        }
    }

    private static async Task WaitForHealthAsync(GrpcChannel channel, HealthStatus wanted)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (await CheckHealthAsync(channel, "") != wanted)
        {
            Assert.True(DateTime.UtcNow < deadline, $"health never became {wanted}");
            await Task.Delay(20);
        }
    }

    /// <summary>
    /// grpc.health.v1.Health/Check with the messages encoded by hand (request: string service = 1;
    /// response: enum status = 1), so the test needs no health client package.
    /// </summary>
    private static async Task<HealthStatus> CheckHealthAsync(GrpcChannel channel, string service)
    {
        var method = new Method<byte[], byte[]>(
            MethodType.Unary, "grpc.health.v1.Health", "Check", Marshallers.Create(b => b, b => b), Marshallers.Create(b => b, b => b));
        var request = new MemoryStream();
        using (var output = new CodedOutputStream(request, leaveOpen: true))
        {
            if (service.Length > 0)
            {
                output.WriteTag(1, WireFormat.WireType.LengthDelimited);
                output.WriteString(service);
            }
        }

        var reply = await channel.CreateCallInvoker().AsyncUnaryCall(method, null, new CallOptions(deadline: DateTime.UtcNow.AddSeconds(10)), request.ToArray());
        var input = new CodedInputStream(reply);
        var status = HealthStatus.Unknown;
        for (var tag = input.ReadTag(); tag != 0; tag = input.ReadTag())
        {
            if (tag == WireFormat.MakeTag(1, WireFormat.WireType.Varint))
            {
                status = (HealthStatus)input.ReadEnum();
            }
            else
            {
                input.SkipLastField();
            }
        }

        return status;
    }

    [DllImport("libc", EntryPoint = "mkfifo", SetLastError = true)]
    private static extern int MakeFifo(string path, uint mode);

    /// <summary>grpc.health.v1.HealthCheckResponse.ServingStatus.</summary>
    private enum HealthStatus
    {
        Unknown = 0,
        Serving = 1,
        NotServing = 2,
        ServiceUnknown = 3,
    }

    /// <summary>A scraped page: its text and its samples (series text to value).</summary>
    private sealed class MetricsPage
    {
        public MetricsPage(string text)
        {
            Text = text;
            Lines = [.. text.Split('\n')
                .Where(line => line.Length > 0 && line[0] != '#')
                .Select(line =>
                {
                    var space = line.LastIndexOf(' ');
                    return (line[..space], ParseValue(line[(space + 1)..]));
                })];
        }

        public string Text { get; }

        public List<(string Series, double Value)> Lines { get; }

        private static double ParseValue(string text) => text switch
        {
            "+Inf" => double.PositiveInfinity,
            "-Inf" => double.NegativeInfinity,
            "NaN" => double.NaN,
            _ => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture),
        };

        public double? Value(string series)
        {
            foreach (var line in Lines)
            {
                if (line.Series == series)
                {
                    return line.Value;
                }
            }

            return null;
        }
    }
}
