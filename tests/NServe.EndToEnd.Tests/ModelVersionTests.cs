using System.Text.Json;
using NServe.EndToEnd.Tests.Infrastructure;

namespace NServe.EndToEnd.Tests;

/// <summary>Version folders appearing while the server runs, and versions that fail to load.</summary>
public sealed class ModelVersionTests : IDisposable
{
    private readonly string _base = Directory.CreateTempSubdirectory("nserve-e2e-versions-").FullName;

    public void Dispose() => Directory.Delete(_base, recursive: true);

    private static async Task<double> PredictAsync(ServerProcess server, double x)
    {
        var (status, body) = await Json.PostAsync(server.Http, "/v1/models/m:predict", $$"""{"instances": [{{x}}]}""");
        Assert.True(status == 200, body);
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
    public async Task ANewHigherVersionIsPickedUpAndACorruptOneLeavesItServing()
    {
        LinearModel.Write(Path.Combine(_base, "1"), 0.5f, 2f);
        await using var server = await ServerProcess.StartAsync("--model_name=m", $"--model_base_path={_base}", "--file_system_poll_wait_seconds=1");
        Assert.Equal(3.0, await PredictAsync(server, 2));

        LinearModel.Write(Path.Combine(_base, "00000002"), 0.5f, 3f);
        await WaitForAsync(async () => await PredictAsync(server, 2) == 4.0, "version 2 to serve");
        await WaitForAsync(
            async () => (await Json.GetAsync(server.Http, "/v1/models/m/versions/1")).Body.Contains("\"END\"", StringComparison.Ordinal),
            "version 1 to unload");

        var corrupt = Path.Combine(_base, "3");
        Directory.CreateDirectory(corrupt);
        File.WriteAllText(Path.Combine(corrupt, "model.onnx"), "this is not an ONNX model");
        await WaitForAsync(
            async () => (await Json.GetAsync(server.Http, "/v1/models/m/versions/3")).Body.Contains("\"END\"", StringComparison.Ordinal),
            "version 3 to fail");

        var (_, body) = await Json.GetAsync(server.Http, "/v1/models/m");
        using var document = JsonDocument.Parse(body);
        var versions = document.RootElement.GetProperty("model_version_status").EnumerateArray().ToList();
        Assert.Equal(["3", "2", "1"], versions.Select(v => v.GetProperty("version").GetString()));
        Assert.Equal("AVAILABLE", versions[1].GetProperty("state").GetString());
        var failure = versions[0].GetProperty("status");
        Assert.NotEqual("OK", failure.GetProperty("error_code").GetString());
        Assert.Contains("model.onnx", failure.GetProperty("error_message").GetString());

        Assert.Equal(4.0, await PredictAsync(server, 2));
    }

    [Fact]
    public async Task AServerWhoseOnlyVersionIsCorruptStillAnswersWithTheError()
    {
        var corrupt = Path.Combine(_base, "1");
        Directory.CreateDirectory(corrupt);
        File.WriteAllBytes(Path.Combine(corrupt, "model.onnx"), [1, 2, 3]);
        await using var server = await ServerProcess.StartAsync("--model_name=m", $"--model_base_path={_base}");

        var (status, body) = await Json.PostAsync(server.Http, "/v1/models/m:predict", """{"instances": [1.0]}""");
        Assert.Equal(404, status);
        Assert.Equal("Servable not found for request: Latest(m)", Json.Error(body));
        var (_, statusBody) = await Json.GetAsync(server.Http, "/v1/models/m");
        Assert.Contains("model.onnx", statusBody);
    }

    [Fact]
    public async Task AFailedVersionIsTriedAgainOnlyWhenItsFilesChange()
    {
        LinearModel.Write(Path.Combine(_base, "1"), 0.5f, 2f);
        await using var server = await ServerProcess.StartAsync("--model_name=m", $"--model_base_path={_base}", "--file_system_poll_wait_seconds=1");
        var broken = Path.Combine(_base, "2");
        Directory.CreateDirectory(broken);
        File.WriteAllText(Path.Combine(broken, "model.onnx"), "not a model");
        await WaitForAsync(
            async () => (await Json.GetAsync(server.Http, "/v1/models/m/versions/2")).Body.Contains("\"END\"", StringComparison.Ordinal),
            "version 2 to fail");
        await Task.Delay(2500);
        var (_, failed) = await Json.GetAsync(server.Http, "/v1/models/m/versions/2");
        Assert.Contains("\"END\"", failed);
        Assert.Equal(3.0, await PredictAsync(server, 2));

        // Fixing the files in place makes the version load on a later poll.
        File.Delete(Path.Combine(broken, "model.onnx"));
        LinearModel.Write(broken, 0.5f, 3f);
        await WaitForAsync(async () => await PredictAsync(server, 2) == 4.0, "the repaired version 2 to serve");
    }

    // A loop inside a version folder stops the source from digesting it, but does not hide the version: it
    // is offered like any other and loads when the files the model needs are readable (as TF Serving, which
    // never walks the folder, would load it); the log says why its contents are not tracked.
    [Fact]
    public async Task BasePathsAreFollowedThroughSymbolicLinksAndLoopsInsideAVersionAreLogged()
    {
        var real = Path.Combine(_base, "real");
        LinearModel.Write(Path.Combine(real, "1"), 0.5f, 2f);
        var link = Path.Combine(_base, "link");
        Directory.CreateSymbolicLink(link, real);
        var looped = Path.Combine(real, "2");
        LinearModel.Write(looped, 0.5f, 3f);
        Directory.CreateSymbolicLink(Path.Combine(looped, "loop"), looped);

        await using var server = await ServerProcess.StartAsync("--model_name=m", $"--model_base_path={link}");
        Assert.Equal(4.0, await PredictAsync(server, 2));
        Assert.Contains("Symbolic link loop", server.Output, StringComparison.Ordinal);
    }
}
