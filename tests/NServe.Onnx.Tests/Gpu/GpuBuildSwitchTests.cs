using System.Diagnostics;
using System.Text.Json;

namespace NServe.Onnx.Tests.Gpu;

/// <summary>
/// The GPU build is too slow and too big for CI (the CUDA provider alone is 280 MB), so this checks what MSBuild
/// evaluates instead: -p:NServeGpu=true swaps the ORT package, and the default stays the CPU one.
/// </summary>
public class GpuBuildSwitchTests
{
    private static readonly string OnnxProject = Path.Combine(RepositoryPaths.Root, "src", "NServe.Onnx", "NServe.Onnx.csproj");

    [Fact]
    public async Task The_default_build_references_the_cpu_package()
    {
        var (references, versions) = await EvaluateAsync();

        Assert.Equal(["Microsoft.ML.OnnxRuntime"], references);
        Assert.True(versions.ContainsKey("Microsoft.ML.OnnxRuntime"));
    }

    [Fact]
    public async Task NServeGpu_swaps_in_the_cuda_package_at_1_31_0()
    {
        var (references, versions) = await EvaluateAsync("-p:NServeGpu=true");

        Assert.Equal(["Microsoft.ML.OnnxRuntime.Gpu.Linux"], references);
        Assert.Equal("1.31.0", versions["Microsoft.ML.OnnxRuntime.Gpu.Linux"]);
    }

    private static async Task<(List<string> References, Dictionary<string, string> Versions)> EvaluateAsync(params string[] properties)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in (string[])["msbuild", OnnxProject, "-getItem:PackageReference", "-getItem:PackageVersion", .. properties])
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"dotnet msbuild exited {process.ExitCode}: {await output}{await error}");

        using var json = JsonDocument.Parse(await output);
        var items = json.RootElement.GetProperty("Items");
        var references = items.GetProperty("PackageReference").EnumerateArray()
            .Select(i => i.GetProperty("Identity").GetString()!)
            .Where(name => name.StartsWith("Microsoft.ML.OnnxRuntime", StringComparison.Ordinal))
            .ToList();
        var versions = items.GetProperty("PackageVersion").EnumerateArray()
            .ToDictionary(i => i.GetProperty("Identity").GetString()!, i => i.GetProperty("Version").GetString()!, StringComparer.Ordinal);
        return (references, versions);
    }
}
