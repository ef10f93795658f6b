using NServe.EndToEnd.Tests.Infrastructure;

namespace NServe.EndToEnd.Tests;

/// <summary>
/// --device and the CUDA flags on the default (CPU) build, the one CI runs: CUDA is refused before any model
/// loads with directions to the GPU build, bad values stop the server, and the CPU path says where models run.
/// </summary>
public sealed class GpuFlagsTests
{
    private static readonly string[] DemoModel = ["--model_name=half_plus_two", "--model_base_path=examples/half_plus_two"];

    [Theory]
    [InlineData("--device=cuda", "cuda:0")]
    [InlineData("--device=cuda:1", "cuda:1")]
    public async Task Cuda_on_the_cpu_build_stops_before_models_load_and_says_how_to_get_the_gpu_build(string flag, string device)
    {
        var (exit, output) = await ServerProcess.RunToExitAsync([$"--port={FreePort.Next()}", "--rest_api_port=0", .. DemoModel, flag]);

        Assert.Equal(1, exit);
        Assert.Contains($"--device={device}: this NServe build has no CUDA execution provider", output, StringComparison.Ordinal);
        Assert.Contains("-p:NServeGpu=true", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Loading servable", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--device=cuda:x", "--device=cuda:x is not a device: expected cpu, cuda or cuda:N")]
    [InlineData("--device=gpu", "--device=gpu is not a device")]
    [InlineData("--cudnn_conv_algo_search=fast", "--cudnn_conv_algo_search=fast is not a search mode: expected exhaustive, heuristic or default")]
    [InlineData("--num_gpu_instances=0", "--num_gpu_instances=0: each model needs at least one session")]
    public async Task Bad_values_fail_to_start_with_an_invalid_argument_naming_them(string flag, string message)
    {
        var (exit, output) = await ServerProcess.RunToExitAsync([$"--port={FreePort.Next()}", .. DemoModel, flag]);

        Assert.NotEqual(0, exit);
        Assert.Contains($"Failed to start server. Error: INVALID_ARGUMENT: {message}", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_memory_fraction_above_one_with_cuda_is_refused_before_the_device_is_tried()
    {
        var (exit, output) = await ServerProcess.RunToExitAsync(
            [$"--port={FreePort.Next()}", .. DemoModel, "--device=cuda", "--per_process_gpu_memory_fraction=1.5"]);

        Assert.NotEqual(0, exit);
        Assert.Contains("INVALID_ARGUMENT: --per_process_gpu_memory_fraction=1.5: NServe takes a share of the device's memory between 0.0 and 1.0.", output, StringComparison.Ordinal);
        Assert.DoesNotContain("no CUDA execution provider", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task On_the_cpu_the_gpu_flags_warn_and_each_model_logs_its_provider()
    {
        await using var server = await ServerProcess.StartAsync(
            [.. DemoModel, "--device=cpu", "--num_gpu_instances=2", "--per_process_gpu_memory_fraction=0.5"]);

        var (status, body) = await Json.PostAsync(server.Http, "/v1/models/half_plus_two:predict", """{"instances": [1.0, 2.0]}""");
        Assert.Equal(200, status);
        Assert.Equal([2.5, 3.0], Json.Numbers(body, "predictions"));

        var output = server.Output;
        Assert.Contains("--num_gpu_instances applies only with --device=cuda; models run on the CPU, so it has no effect.", output, StringComparison.Ordinal);
        Assert.Contains("--per_process_gpu_memory_fraction applies only with --device=cuda", output, StringComparison.Ordinal);
        Assert.Contains("Model half_plus_two version 1 runs on CPUExecutionProvider (cpu, 1 session(s)): CPUExecutionProvider: 2 nodes", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_lists_the_gpu_flags()
    {
        var (exit, output) = await ServerProcess.RunToExitAsync("--help");

        Assert.Equal(0, exit);
        foreach (var flag in new[] { "--device", "--cudnn_conv_algo_search", "--num_gpu_instances", "--per_process_gpu_memory_fraction" })
        {
            Assert.Contains(flag, output, StringComparison.Ordinal);
        }
    }
}
