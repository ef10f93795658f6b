using NServe.EndToEnd.Tests.Infrastructure;
using Tensorflow.Serving;

namespace NServe.EndToEnd.Tests;

/// <summary>Loading and unloading a model again and again must not grow the process.</summary>
public sealed class MemoryTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("nserve-e2e-memory-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task TwentyLoadUnloadCyclesKeepResidentMemoryWithinTenPercent()
    {
        var keep = Path.Combine(_root, "keep");
        var cycled = Path.Combine(_root, "cycled");
        LinearModel.Write(Path.Combine(keep, "1"), 0.5f, 2);
        WriteWideModel(Path.Combine(cycled, "1"));
        await using var server = await ServerProcess.StartAsync("--model_name=keep", $"--model_base_path={keep}");
        var client = new ModelService.ModelServiceClient(server.Channel);

        async Task SetModelsAsync(bool withCycled)
        {
            var config = new ModelServerConfig { ModelConfigList = new ModelConfigList() };
            config.ModelConfigList.Config.Add(new ModelConfig { Name = "keep", BasePath = keep });
            if (withCycled)
            {
                config.ModelConfigList.Config.Add(new ModelConfig { Name = "cycled", BasePath = cycled });
            }

            await client.HandleReloadConfigRequestAsync(new ReloadConfigRequest { Config = config });
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (true)
            {
                var (status, _) = await Json.PostAsync(server.Http, "/v1/models/cycled:predict", """{"instances": [1.0]}""");
                if ((status == 200) == withCycled)
                {
                    break;
                }

                Assert.True(DateTime.UtcNow < deadline, "the cycled model did not change state");
                await Task.Delay(100);
            }
        }

        await SetModelsAsync(true);
        await SetModelsAsync(false);
        var afterFirst = server.ResidentBytes;
        for (var cycle = 1; cycle < 20; cycle++)
        {
            await SetModelsAsync(true);
            await SetModelsAsync(false);
        }

        var afterLast = server.ResidentBytes;
        Assert.True(afterLast <= afterFirst * 1.10, $"RSS grew from {afterFirst / 1048576.0:F1} MiB to {afterLast / 1048576.0:F1} MiB");
    }

    /// <summary>A model with 16 MB of weights, so a leak of one copy per cycle would show.</summary>
    private static void WriteWideModel(string folder)
    {
        Directory.CreateDirectory(folder);
        var model = new NServe.Onnx.Building.OnnxModelBuilder();
        var graph = model.Graph;
        graph.AddInput("x", global::Onnx.TensorProto.Types.DataType.Float, [NServe.Onnx.Building.OnnxDim.Symbolic("batch")]);
        var weights = new float[4_000_000];
        for (var i = 0; i < weights.Length; i++)
        {
            weights[i] = i % 7;
        }

        var table = graph.AddInitializer<float>("table", [weights.Length], weights);
        graph.AddNode("ReduceMax", [table], ["peak"]).Attribute("keepdims", 0L);
        graph.AddNode("Add", ["x", "peak"], ["y"]);
        graph.AddOutput("y", global::Onnx.TensorProto.Types.DataType.Float, [NServe.Onnx.Building.OnnxDim.Symbolic("batch")]);
        File.WriteAllBytes(Path.Combine(folder, "model.onnx"), model.Serialize());
    }
}
