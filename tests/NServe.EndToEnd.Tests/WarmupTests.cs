using System.Text.Json;
using NServe.EndToEnd.Tests.Infrastructure;

namespace NServe.EndToEnd.Tests;

/// <summary>
/// Model warmup through the real executable: a warmup file made by <c>nserve warmup</c> is replayed before the
/// version is served; a corrupt one fails the version with the error in its status.
/// </summary>
public sealed class WarmupTests : IDisposable
{
    private readonly string _base = Directory.CreateTempSubdirectory("nserve-e2e-warmup-").FullName;

    public void Dispose() => Directory.Delete(_base, recursive: true);

    private string Version1 => Path.Combine(_base, "1");

    private string WarmupFilePath => Path.Combine(Version1, "assets.extra", "tf_serving_warmup_requests");

    private void CopyHalfPlusTwo()
    {
        Directory.CreateDirectory(Version1);
        File.Copy(Path.Combine(TestPaths.Examples, "half_plus_two", "1", "model.onnx"), Path.Combine(Version1, "model.onnx"));
    }

    private string Request(string name, string body)
    {
        var path = Path.Combine(_base, name);
        File.WriteAllText(path, body);
        return path;
    }

    private static async Task<JsonElement> VersionStatusAsync(ServerProcess server)
    {
        var (status, body) = await Json.GetAsync(server.Http, "/v1/models/hp");
        Assert.True(status == 200, body);
        using var document = JsonDocument.Parse(body);
        return document.RootElement.GetProperty("model_version_status")[0].Clone();
    }

    [Fact]
    public async Task AFileMadeByNserveWarmupIsReplayedBeforeTheVersionIsServed()
    {
        CopyHalfPlusTwo();
        var instances = Request("instances.json", """{"instances": [1.0, 2.0, 5.0]}""");
        var columnar = Request("columnar.json", """{"signature_name": "serving_default", "inputs": {"x": [3.0]}}""");

        var (exitCode, output) = await ServerProcess.RunToExitAsync("warmup", "--model_dir", Version1, instances, columnar);
        Assert.True(exitCode == 0, output);
        Assert.Contains($"Wrote 2 warmup records to {WarmupFilePath}", output);
        Assert.True(File.Exists(WarmupFilePath));

        await using var server = await ServerProcess.StartAsync("--model_name=hp", $"--model_base_path={_base}", "--num_request_iterations_for_warmup=3");

        Assert.Contains("Number of warmup records read: 2.", server.Output);
        Assert.Contains("each record replayed 3 times, 6 requests run, 0 records skipped", server.Output);
        Assert.True(
            server.Output.IndexOf("Number of warmup records read", StringComparison.Ordinal)
                < server.Output.IndexOf("Successfully loaded servable version", StringComparison.Ordinal),
            server.Output);
        Assert.Equal("AVAILABLE", (await VersionStatusAsync(server)).GetProperty("state").GetString());
        var (status, body) = await Json.PostAsync(server.Http, "/v1/models/hp:predict", """{"instances": [2.0]}""");
        Assert.True(status == 200, body);
        Assert.Equal([3.0], Json.Numbers(body, "predictions"));
    }

    [Fact]
    public async Task RegressAndClassifyRecordsMadeByNserveWarmupAreReplayed()
    {
        if (TestPaths.SharedTestData is not { } data)
        {
            return; // needs ../shared/testdata (TF Serving's half_plus_two SavedModel)
        }

        var source = Path.Combine(data, "tfserving", "saved_model_half_plus_two_cpu", "00000123");
        var version = Path.Combine(_base, "123");
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(version, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        var regress = Request("regress.json", """{"signature_name": "regress_x_to_y", "examples": [{"x": 2.0}, {"x": 4.0}]}""");
        var classify = Request("classify.json", """{"signature_name": "classify_x_to_y", "context": {"x": 1.0}, "examples": [{}]}""");
        var (exitCode, output) = await ServerProcess.RunToExitAsync("warmup", $"--model_dir={version}", regress, classify);
        Assert.True(exitCode == 0, output);

        await using var server = await ServerProcess.StartAsync("--model_name=hp", $"--model_base_path={_base}", "--num_request_iterations_for_warmup=2");

        Assert.Contains("Number of warmup records read: 2.", server.Output);
        Assert.Contains("each record replayed 2 times, 4 requests run, 0 records skipped", server.Output);
        var (status, body) = await Json.PostAsync(server.Http, "/v1/models/hp:regress", """{"signature_name": "regress_x_to_y", "examples": [{"x": 2.0}]}""");
        Assert.True(status == 200, body);
        Assert.Equal([3.0], Json.Numbers(body, "results"));
    }

    [Fact]
    public async Task WithoutIterationsEachRecordRunsOnce()
    {
        CopyHalfPlusTwo();
        var (exitCode, output) = await ServerProcess.RunToExitAsync("warmup", $"--model_dir={Version1}", Request("a.json", """{"instances": [1.0]}"""));
        Assert.True(exitCode == 0, output);

        await using var server = await ServerProcess.StartAsync("--model_name=hp", $"--model_base_path={_base}");

        Assert.Contains("each record replayed 1 times, 1 requests run", server.Output);
    }

    [Fact]
    public async Task ACorruptWarmupFileEndsTheVersionWithTheErrorInItsStatus()
    {
        CopyHalfPlusTwo();
        var (exitCode, output) = await ServerProcess.RunToExitAsync("warmup", $"--model_dir={Version1}", Request("a.json", """{"instances": [1.0]}"""));
        Assert.True(exitCode == 0, output);
        var bytes = File.ReadAllBytes(WarmupFilePath);
        bytes[^1] ^= 0xFF;
        File.WriteAllBytes(WarmupFilePath, bytes);

        await using var server = await ServerProcess.StartAsync("--model_name=hp", $"--model_base_path={_base}");

        var version = await VersionStatusAsync(server);
        Assert.Equal("END", version.GetProperty("state").GetString());
        var error = version.GetProperty("status");
        Assert.Equal("DATA_LOSS", error.GetProperty("error_code").GetString());
        var message = error.GetProperty("error_message").GetString();
        Assert.Contains($"corrupted record at 0 (record 1) in {WarmupFilePath}", message);
        Assert.EndsWith("Please verify your warmup data is in TFRecord format.", message);
        var (status, _) = await Json.PostAsync(server.Http, "/v1/models/hp:predict", """{"instances": [2.0]}""");
        Assert.NotEqual(200, status);
    }

    [Fact]
    public async Task WarmupCanBeTurnedOff()
    {
        CopyHalfPlusTwo();
        Directory.CreateDirectory(Path.GetDirectoryName(WarmupFilePath)!);
        File.WriteAllText(WarmupFilePath, "not a TFRecord file");

        await using var server = await ServerProcess.StartAsync("--model_name=hp", $"--model_base_path={_base}", "--enable_model_warmup=false");

        Assert.Equal("AVAILABLE", (await VersionStatusAsync(server)).GetProperty("state").GetString());
        Assert.DoesNotContain("TFRecord", server.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NserveWarmupRejectsARequestTheModelCannotRunAndWritesNothing()
    {
        CopyHalfPlusTwo();
        var good = Request("good.json", """{"instances": [1.0]}""");
        var wrongRank = Request("rank.json", """{"inputs": {"x": [[1.0]]}}""");

        var (exitCode, output) = await ServerProcess.RunToExitAsync("warmup", $"--model_dir={Version1}", good, wrongRank);

        Assert.Equal(1, exitCode);
        Assert.Contains("record 2", output);
        Assert.Contains("rank", output);
        Assert.False(File.Exists(WarmupFilePath));
        Assert.False(File.Exists(WarmupFilePath + ".tmp"));
    }

    [Fact]
    public async Task NserveWarmupReportsABadBodyNamingTheFile()
    {
        CopyHalfPlusTwo();
        var bad = Request("bad.json", """{"instances": [{"nope": 1.0}]}""");

        var (exitCode, output) = await ServerProcess.RunToExitAsync("warmup", $"--model_dir={Version1}", bad);

        Assert.Equal(1, exitCode);
        Assert.Contains($"{bad}: Failed to process element: 0 key: nope of 'instances' list", output);
        Assert.False(File.Exists(WarmupFilePath));
    }

    [Fact]
    public async Task NserveWarmupWithoutAModelDirIsAUsageError()
    {
        var (exitCode, output) = await ServerProcess.RunToExitAsync("warmup", Request("a.json", """{"instances": [1.0]}"""));

        Assert.Equal(2, exitCode);
        Assert.Contains("--model_dir is required", output);
        Assert.Contains("Usage: nserve warmup", output);
    }
}
