using System.Text.Json;
using Grpc.Core;
using NServe.EndToEnd.Tests.Infrastructure;
using Tensorflow.Serving;

namespace NServe.EndToEnd.Tests;

/// <summary>--model_config_file: several models, version policies, labels, reloads and bad configs.</summary>
public sealed class ModelConfigTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("nserve-e2e-config-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string ConfigPath => Path.Combine(_root, "models.config");

    private string Base(string model) => Path.Combine(_root, model);

    /// <summary>Version v of a model answers y = 0.5x + v (so x = 0 reveals the version).</summary>
    private void AddVersion(string model, int version) => LinearModel.Write(Path.Combine(Base(model), version.ToString(System.Globalization.CultureInfo.InvariantCulture)), 0.5f, version);

    private string IssueConfig(string stable = "1", string canary = "2") => $$"""
        # The config from TF Serving's documentation, with local paths.
        model_config_list {
          config { name: 'myserving' base_path: '{{Base("myserving")}}' model_platform: 'onnx'
            model_version_policy { specific { versions: 1 versions: 2 } }
            version_labels { key: 'stable' value: {{stable}} } version_labels { key: 'canary' value: {{canary}} } }
          config { name: 'model2' base_path: '{{Base("model2")}}' model_platform: 'onnx' }
        }
        """;

    private static async Task<double> VersionAnsweringAsync(ServerProcess server, string path)
    {
        var (status, body) = await Json.PostAsync(server.Http, path, """{"instances": [0.0]}""");
        Assert.True(status == 200, $"{path}: {status} {body}");
        return Json.Numbers(body, "predictions")[0];
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            await Task.Delay(200);
        }
    }

    [Fact]
    public async Task TheDocumentedConfigServesLabelsVersionsAndLatest()
    {
        AddVersion("myserving", 1);
        AddVersion("myserving", 2);
        AddVersion("myserving", 3);
        AddVersion("model2", 1);
        AddVersion("model2", 7);
        File.WriteAllText(ConfigPath, IssueConfig());
        await using var server = await ServerProcess.StartAsync($"--model_config_file={ConfigPath}");

        Assert.Equal(1, await VersionAnsweringAsync(server, "/v1/models/myserving/labels/stable:predict"));
        Assert.Equal(2, await VersionAnsweringAsync(server, "/v1/models/myserving/labels/canary:predict"));
        Assert.Equal(1, await VersionAnsweringAsync(server, "/v1/models/myserving/versions/1:predict"));
        Assert.Equal(2, await VersionAnsweringAsync(server, "/v1/models/myserving/versions/2:predict"));
        Assert.Equal(2, await VersionAnsweringAsync(server, "/v1/models/myserving:predict"));
        Assert.Equal(7, await VersionAnsweringAsync(server, "/v1/models/model2:predict"));
        var (missing, _) = await Json.PostAsync(server.Http, "/v1/models/myserving/versions/3:predict", """{"instances": [0.0]}""");
        Assert.Equal(404, missing);

        var (status, body) = await Json.GetAsync(server.Http, "/v1/models");
        Assert.Equal(200, status);
        using var document = JsonDocument.Parse(body);
        var models = document.RootElement.GetProperty("models").EnumerateArray().ToDictionary(m => m.GetProperty("name").GetString()!);
        Assert.Equal(["model2", "myserving"], models.Keys.Order());
        Assert.Equal("1", models["myserving"].GetProperty("version_labels").GetProperty("stable").GetString());
        Assert.Equal(2, models["myserving"].GetProperty("model_version_status").GetArrayLength());
    }

    [Fact]
    public async Task ReloadsMoveLabelsAndDropModelsAndABadConfigIsRejected()
    {
        AddVersion("myserving", 1);
        AddVersion("myserving", 2);
        AddVersion("model2", 1);
        File.WriteAllText(ConfigPath, IssueConfig());
        await using var server = await ServerProcess.StartAsync($"--model_config_file={ConfigPath}", "--model_config_file_poll_wait_seconds=1");

        File.WriteAllText(ConfigPath, IssueConfig(stable: "2", canary: "1"));
        await WaitForAsync(async () => await VersionAnsweringAsync(server, "/v1/models/myserving/labels/stable:predict") == 2, "the stable label to move");
        Assert.Equal(1, await VersionAnsweringAsync(server, "/v1/models/myserving/labels/canary:predict"));

        File.WriteAllText(ConfigPath, "improperly formatted file");
        await WaitForAsync(() => Task.FromResult(server.Output.Contains("Error parsing text-format tensorflow.serving.ModelServerConfig", StringComparison.Ordinal)), "the bad config to be logged");
        Assert.Equal(2, await VersionAnsweringAsync(server, "/v1/models/myserving/labels/stable:predict"));

        File.WriteAllText(ConfigPath, $$"""model_config_list { config { name: 'model2' base_path: '{{Base("model2")}}' } }""");
        await WaitForAsync(
            async () => (await Json.PostAsync(server.Http, "/v1/models/myserving:predict", """{"instances": [0.0]}""")).Status == 404,
            "myserving to be unloaded");
        Assert.Equal(1, await VersionAnsweringAsync(server, "/v1/models/model2:predict"));
    }

    [Fact]
    public async Task HandleReloadConfigRequestReplacesTheConfigAndRejectsBadOnes()
    {
        AddVersion("myserving", 1);
        AddVersion("myserving", 2);
        AddVersion("model2", 1);
        File.WriteAllText(ConfigPath, IssueConfig());
        await using var server = await ServerProcess.StartAsync($"--model_config_file={ConfigPath}");
        var client = new ModelService.ModelServiceClient(server.Channel);

        var config = new ModelServerConfig { ModelConfigList = new ModelConfigList() };
        config.ModelConfigList.Config.Add(new ModelConfig { Name = "model2", BasePath = Base("model2"), ModelPlatform = "onnx" });
        config.ModelConfigList.Config.Add(new ModelConfig { Name = "model2", BasePath = Base("model2"), ModelPlatform = "onnx" });
        var duplicate = await Assert.ThrowsAsync<RpcException>(() => client.HandleReloadConfigRequestAsync(new ReloadConfigRequest { Config = config }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, duplicate.StatusCode);
        Assert.Contains("Illegal to list model model2 multiple times", duplicate.Status.Detail);
        Assert.Equal(1, await VersionAnsweringAsync(server, "/v1/models/myserving/labels/stable:predict"));

        var unavailableLabel = new ModelServerConfig { ModelConfigList = new ModelConfigList() };
        var labelled = new ModelConfig { Name = "myserving", BasePath = Base("myserving"), ModelPlatform = "onnx" };
        labelled.VersionLabels.Add("stable", 9);
        unavailableLabel.ModelConfigList.Config.Add(labelled);
        var labelError = await Assert.ThrowsAsync<RpcException>(() => client.HandleReloadConfigRequestAsync(new ReloadConfigRequest { Config = unavailableLabel }).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, labelError.StatusCode);
        Assert.Equal("Request to assign label to version 9 of model myserving, which is not currently available for inference", labelError.Status.Detail);

        config.ModelConfigList.Config.RemoveAt(1);
        var response = await client.HandleReloadConfigRequestAsync(new ReloadConfigRequest { Config = config });
        Assert.Equal(Tensorflow.Error.Code.Ok, response.Status.ErrorCode);
        await WaitForAsync(
            async () => (await Json.PostAsync(server.Http, "/v1/models/myserving:predict", """{"instances": [0.0]}""")).Status == 404,
            "myserving to be unloaded");
        Assert.Equal(1, await VersionAnsweringAsync(server, "/v1/models/model2:predict"));
    }

    [Fact]
    public async Task AStartupConfigThatDoesNotParseStopsTheServerWithTfServingsMessage()
    {
        File.WriteAllText(ConfigPath, "improperly formatted file");
        var (exit, output) = await ServerProcess.RunToExitAsync($"--port={FreePort.Next()}", $"--rest_api_port={FreePort.Next()}", $"--model_config_file={ConfigPath}");
        Assert.NotEqual(0, exit);
        Assert.Contains("Error parsing text-format tensorflow.serving.ModelServerConfig", output);
    }

    [Fact]
    public async Task AVersionCopiedSlowlyIsNotLoadedHalfWritten()
    {
        AddVersion("m", 1);
        await using var server = await ServerProcess.StartAsync("--model_name=m", $"--model_base_path={Base("m")}", "--file_system_poll_wait_seconds=1");
        Assert.Equal(1, await VersionAnsweringAsync(server, "/v1/models/m:predict"));

        // Build version 2 elsewhere, then copy its bytes in slowly, as a large copy over a network would go.
        var staging = Path.Combine(_root, "staging");
        LinearModel.Write(staging, 0.5f, 2);
        var bytes = File.ReadAllBytes(Path.Combine(staging, "model.onnx"));
        var target = Path.Combine(Base("m"), "2");
        Directory.CreateDirectory(target);
        await using (var stream = new FileStream(Path.Combine(target, "model.onnx"), FileMode.CreateNew))
        {
            var chunk = Math.Max(1, bytes.Length / 4);
            for (var offset = 0; offset < bytes.Length; offset += chunk)
            {
                stream.Write(bytes, offset, Math.Min(chunk, bytes.Length - offset));
                stream.Flush();
                Assert.Equal(1, await VersionAnsweringAsync(server, "/v1/models/m:predict"));
                await Task.Delay(1300);
            }
        }

        await WaitForAsync(async () => await VersionAnsweringAsync(server, "/v1/models/m:predict") == 2, "version 2 to serve");
        var (_, status) = await Json.GetAsync(server.Http, "/v1/models/m/versions/2");
        Assert.Contains("\"OK\"", status);
    }

    [Fact]
    public async Task UnderLoadSwapsAndReloadsNeverFailARequest()
    {
        AddVersion("myserving", 1);
        AddVersion("myserving", 2);
        AddVersion("model2", 1);
        File.WriteAllText(ConfigPath, IssueConfig());
        await using var server = await ServerProcess.StartAsync($"--model_config_file={ConfigPath}", "--file_system_poll_wait_seconds=1");
        var client = new ModelService.ModelServiceClient(server.Channel);

        using var stop = new CancellationTokenSource();
        var failures = new List<string>();
        var answered = 0;
        var paths = new[] { "/v1/models/myserving:predict", "/v1/models/myserving/labels/stable:predict", "/v1/models/myserving/labels/canary:predict", "/v1/models/model2:predict" };
        var clients = Enumerable.Range(0, 16).Select(i => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var (status, body) = await Json.PostAsync(server.Http, paths[i % paths.Length], """{"instances": [0.0]}""");
                if (status != 200)
                {
                    lock (failures)
                    {
                        failures.Add($"{paths[i % paths.Length]}: {status} {body}");
                    }
                }
                else
                {
                    Interlocked.Increment(ref answered);
                }
            }
        })).ToArray();

        for (var round = 0; round < 20; round++)
        {
            // model2 gains a version each round; myserving's two labels swap.
            AddVersion("model2", round + 2);
            var config = new ModelServerConfig { ModelConfigList = new ModelConfigList() };
            var myserving = new ModelConfig
            {
                Name = "myserving",
                BasePath = Base("myserving"),
                ModelPlatform = "onnx",
                ModelVersionPolicy = new Tensorflow.Serving.FileSystemStoragePathSourceConfig.Types.ServableVersionPolicy
                {
                    Specific = new() { Versions = { 1, 2 } },
                },
            };
            myserving.VersionLabels.Add("stable", round % 2 == 0 ? 2 : 1);
            myserving.VersionLabels.Add("canary", round % 2 == 0 ? 1 : 2);
            config.ModelConfigList.Config.Add(myserving);
            config.ModelConfigList.Config.Add(new ModelConfig { Name = "model2", BasePath = Base("model2"), ModelPlatform = "onnx" });
            await client.HandleReloadConfigRequestAsync(new ReloadConfigRequest { Config = config });
            if (round > 2)
            {
                // Remove an old version folder of model2: it is no longer the latest, so nothing changes for clients.
                Directory.Delete(Path.Combine(Base("model2"), (round - 2).ToString(System.Globalization.CultureInfo.InvariantCulture)), recursive: true);
            }

            await Task.Delay(300);
        }

        await WaitForAsync(async () => await VersionAnsweringAsync(server, "/v1/models/model2:predict") == 21, "the last version of model2");
        stop.Cancel();
        await Task.WhenAll(clients);
        Assert.Empty(failures);
        Assert.True(answered > 100, $"only {answered} answers");
    }
}
