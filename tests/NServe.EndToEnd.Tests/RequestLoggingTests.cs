using NServe.Core.Warmup;
using NServe.EndToEnd.Tests.Infrastructure;
using Tensorflow.Serving;
using Xunit.Abstractions;

namespace NServe.EndToEnd.Tests;

/// <summary>
/// A model config's <c>logging_config</c>: answered requests, sampled at its rate, are written as
/// PredictionLog TFRecords that the warmup reader reads back and the server can replay as warmup.
/// </summary>
public sealed class RequestLoggingTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("nserve-e2e-requestlog-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task EverySampledRequestIsWrittenAsAPredictionLogOnBothProtocols()
    {
        var prefix = Path.Combine(_folder, "logs", "hp");
        await using (var server = await StartAsync(1.0, prefix))
        {
            for (var i = 0; i < 5; i++)
            {
                var (status, body) = await Json.PostAsync(server.Http, "/v1/models/hp:predict", $$"""{"instances": [{{i}}.0]}""");
                Assert.True(status == 200, body);
            }

            var prediction = new PredictionService.PredictionServiceClient(server.Channel);
            for (var i = 0; i < 3; i++)
            {
                await prediction.PredictAsync(GrpcPredictTests.HalfPlusTwoRequest("hp", 10 + i), deadline: DateTime.UtcNow.AddSeconds(10));
            }

            // A failed request is not logged.
            var (failed, _) = await Json.PostAsync(server.Http, "/v1/models/hp:predict", """{"instances": ["x"]}""");
            Assert.Equal(400, failed);
        }

        var logs = ReadLogs(prefix);
        Assert.Equal(8, logs.Count);
        Assert.All(logs, log => Assert.Equal(PredictionLog.LogTypeOneofCase.PredictLog, log.LogTypeCase));
        Assert.All(logs, log => Assert.Equal(new ModelSpec { Name = "hp", Version = 1, SignatureName = "serving_default" }, log.LogMetadata.ModelSpec));
        Assert.All(logs, log => Assert.Equal(1.0, log.LogMetadata.SamplingConfig.SamplingRate));
        var inputs = logs.Select(l => Tensor(l.PredictLog.Request.Inputs["x"])).ToList();
        var outputs = logs.Select(l => Tensor(l.PredictLog.Response.Outputs["y"])).ToList();
        Assert.Equal([0f, 1f, 2f, 3f, 4f, 10f, 11f, 12f], inputs);
        Assert.Equal(inputs.Select(x => (x / 2) + 2), outputs);
    }

    [Fact]
    public async Task HalfTheRequestsAreSampledAtRateOneHalf()
    {
        var prefix = Path.Combine(_folder, "half");
        const int requests = 400;
        await using (var server = await StartAsync(0.5, prefix))
        {
            for (var i = 0; i < requests; i++)
            {
                var (status, body) = await Json.PostAsync(server.Http, "/v1/models/hp:predict", """{"instances": [1.0]}""");
                Assert.True(status == 200, body);
            }
        }

        // Binomial(400, 0.5): mean 200, standard deviation 10; 6 deviations either way fails once in ~10^9 runs.
        var count = ReadLogs(prefix).Count;
        output.WriteLine($"{count} of {requests} requests logged");
        Assert.InRange(count, 140, 260);
    }

    [Fact]
    public async Task ClassifyAndRegressAreLoggedAndTheLogReplaysAsAWarmupFile()
    {
        if (TestPaths.SharedTestData is not { } data)
        {
            output.WriteLine("SKIPPED: ../shared/testdata is absent.");
            return;
        }

        var source = Path.Combine(data, "tfserving", "saved_model_half_plus_two_cpu");
        var prefix = Path.Combine(_folder, "tf", "requests");
        var config = WriteConfig(source, 1.0, prefix);
        await using (var server = await ServerProcess.StartAsync($"--model_config_file={config}"))
        {
            var (status, body) = await Json.PostAsync(server.Http, "/v1/models/hp:classify", """{"signature_name": "classify_x_to_y", "examples": [{"x": 2.0}]}""");
            Assert.True(status == 200, body);
            (status, body) = await Json.PostAsync(server.Http, "/v1/models/hp:regress", """{"signature_name": "regress_x_to_y", "context": {"x": 4.0}, "examples": [{}]}""");
            Assert.True(status == 200, body);
            var multi = new MultiInferenceRequest { Input = ClassifyRegressTests.Examples(6.0f) };
            multi.Tasks.Add(new InferenceTask { ModelSpec = new ModelSpec { Name = "hp", SignatureName = "regress_x_to_y" }, MethodName = "tensorflow/serving/regress" });
            await new PredictionService.PredictionServiceClient(server.Channel).MultiInferenceAsync(multi, deadline: DateTime.UtcNow.AddSeconds(10));
        }

        var files = Directory.GetFiles(Path.GetDirectoryName(prefix)!);
        var logs = ReadLogs(prefix);
        Assert.Equal(
            [PredictionLog.LogTypeOneofCase.ClassifyLog, PredictionLog.LogTypeOneofCase.RegressLog, PredictionLog.LogTypeOneofCase.MultiInferenceLog],
            logs.Select(l => l.LogTypeCase));
        Assert.Equal(3.0f, logs[0].ClassifyLog.Response.Result.Classifications[0].Classes[0].Score);
        Assert.Equal(4.0f, logs[1].RegressLog.Response.Result.Regressions[0].Value);
        Assert.Equal(4.0f, logs[1].RegressLog.Request.Input.ExampleListWithContext.Context.Features.Feature["x"].FloatList.Value[0]);
        Assert.Equal(5.0f, logs[2].MultiInferenceLog.Response.Results[0].RegressionResult.Regressions[0].Value);

        // The log file is a warmup file as it is.
        var models = Path.Combine(_folder, "replay");
        CopyFolder(Path.Combine(source, "00000123"), Path.Combine(models, "123"));
        var warmupFile = WarmupFile.PathIn(Path.Combine(models, "123"));
        Directory.CreateDirectory(Path.GetDirectoryName(warmupFile)!);
        File.Copy(Assert.Single(files), warmupFile);
        await using var replaying = await ServerProcess.StartAsync("--model_name=hp", $"--model_base_path={models}");
        Assert.Contains("Number of warmup records read: 3.", replaying.Output);
        Assert.Contains("3 requests run, 0 records skipped", replaying.Output);
    }

    [Fact]
    public async Task AnUnknownCollectorTypeFailsTheConfig()
    {
        var config = WriteConfig(Path.Combine(TestPaths.Examples, "half_plus_two"), 1.0, Path.Combine(_folder, "x"), collector: "kafka");
        var (exitCode, text) = await ServerProcess.RunToExitAsync($"--port={FreePort.Next()}", $"--rest_api_port={FreePort.Next()}", $"--model_config_file={config}");
        Assert.NotEqual(0, exitCode);
        Assert.Contains("Unknown log collector type: \"kafka\"", text);
    }

    private async Task<ServerProcess> StartAsync(double rate, string prefix) =>
        await ServerProcess.StartAsync($"--model_config_file={WriteConfig(Path.Combine(TestPaths.Examples, "half_plus_two"), rate, prefix)}");

    private string WriteConfig(string basePath, double rate, string prefix, string collector = "file")
    {
        var config = Path.Combine(_folder, $"models-{Guid.NewGuid():N}.config");
        File.WriteAllText(config, $$"""
            model_config_list {
              config {
                name: 'hp'
                base_path: '{{basePath}}'
                logging_config {
                  log_collector_config { type: '{{collector}}' filename_prefix: '{{prefix}}' }
                  sampling_config { sampling_rate: {{rate.ToString(System.Globalization.CultureInfo.InvariantCulture)}} }
                }
              }
            }
            """);
        return config;
    }

    private static List<PredictionLog> ReadLogs(string prefix)
    {
        var folder = Path.GetDirectoryName(prefix)!;
        var logs = new List<PredictionLog>();
        foreach (var file in Directory.GetFiles(folder, Path.GetFileName(prefix) + ".*.tfrecord").Order(StringComparer.Ordinal))
        {
            using var reader = TfRecordReader.Open(file);
            while (reader.TryReadNext(out var record))
            {
                logs.Add(PredictionLog.Parser.ParseFrom(record));
            }
        }

        return logs;
    }

    private static float Tensor(Tensorflow.TensorProto proto) =>
        proto.FloatVal.Count > 0 ? proto.FloatVal[0] : BitConverter.ToSingle(proto.TensorContent.Span);

    private static void CopyFolder(string source, string target)
    {
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }
    }
}
