using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using NServe.EndToEnd.Tests.Infrastructure;

namespace NServe.EndToEnd.Tests;

/// <summary>
/// The real server serving a model from S3 (moto_server on 127.0.0.1, started here): the first load, a new
/// version uploaded while it serves, the cache of copies, and a bucket that disappears while it serves.
/// Objects are written with plain path-style HTTP, which moto accepts without signatures.
/// </summary>
public sealed class StorageTests : IDisposable
{
    private readonly string _cache = Directory.CreateTempSubdirectory("nserve-e2e-cache-").FullName;
    private readonly string _scratch = Directory.CreateTempSubdirectory("nserve-e2e-s3-").FullName;

    public void Dispose()
    {
        Directory.Delete(_cache, recursive: true);
        Directory.Delete(_scratch, recursive: true);
    }

    [S3Fact]
    public async Task ServesFromS3PicksUpNewVersionsAndKeepsServingWhenTheBucketGoes()
    {
        using var moto = MotoProcess.Start();
        using var s3 = new HttpClient { BaseAddress = new Uri(moto.Endpoint) };
        (await s3.PutAsync("/models", null)).EnsureSuccessStatusCode();
        await PutModelAsync(s3, "/models/team/m/1/model.onnx", 0.5f, 2f);

        var environment = new Dictionary<string, string>
        {
            ["AWS_ACCESS_KEY_ID"] = "testing",
            ["AWS_SECRET_ACCESS_KEY"] = "testing",
            ["AWS_REGION"] = "us-east-1",
            ["AWS_ENDPOINT_URL_S3"] = moto.Endpoint,
        };
        await using var server = await ServerProcess.StartWithEnvironmentAsync(
            environment,
            "--model_name=m",
            "--model_base_path=s3://models/team/m",
            "--file_system_poll_wait_seconds=1",
            $"--model_cache_dir={_cache}");
        Assert.Equal(3.0, await PredictAsync(server, 2));

        await PutModelAsync(s3, "/models/team/m/2/model.onnx", 0.5f, 3f);
        await WaitForAsync(async () => await PredictAsync(server, 2) == 4.0, "version 2 to serve");
        await WaitForAsync(
            () => Task.FromResult(Directory.EnumerateDirectories(_cache, "*", SearchOption.AllDirectories).Select(Path.GetFileName).All(n => n!.StartsWith("2-", StringComparison.Ordinal) || !char.IsAsciiDigit(n[0]))),
            "the copy of version 1 to be removed");

        // moto's reset endpoint drops every bucket, as if the bucket were deleted under the server.
        (await s3.PostAsync("/moto-api/reset", null)).EnsureSuccessStatusCode();
        await WaitForAsync(() => Task.FromResult(server.Output.Contains("S3 bucket 'models' does not exist", StringComparison.Ordinal)), "the missing bucket to be logged");

        // Retries back off: one poll interval (1 s), then 2 s, then 4 s.
        await WaitForAsync(() => Task.FromResult(server.Output.Contains("trying again in 4 s", StringComparison.Ordinal)), "the retry interval to double");
        Assert.Equal(4.0, await PredictAsync(server, 2));

        // The status API says it too, on the version that keeps serving (not on version 1, unloaded before).
        var failing = await StatusAsync(server);
        Assert.Equal(("2", "AVAILABLE", "NOT_FOUND"), (failing.Version, failing.State, failing.Code));
        Assert.Contains("S3 bucket 'models' does not exist", failing.Message, StringComparison.Ordinal);
        Assert.Equal(("1", "END", "OK", ""), await StatusAsync(server, "/versions/1"));

        // The bucket comes back: the next retry lists it and the error clears.
        (await s3.PutAsync("/models", null)).EnsureSuccessStatusCode();
        await PutModelAsync(s3, "/models/team/m/2/model.onnx", 0.5f, 3f);
        await WaitForAsync(async () => (await StatusAsync(server)).Code == "OK", "the storage error to clear");
        Assert.Equal(4.0, await PredictAsync(server, 2));
    }

    [S3Fact]
    public async Task MissingBucketShowsInTheStatusUntilItIsCreated()
    {
        using var moto = MotoProcess.Start();
        using var s3 = new HttpClient { BaseAddress = new Uri(moto.Endpoint) };
        var environment = new Dictionary<string, string>
        {
            ["AWS_ACCESS_KEY_ID"] = "testing",
            ["AWS_SECRET_ACCESS_KEY"] = "testing",
            ["AWS_REGION"] = "us-east-1",
            ["AWS_ENDPOINT_URL_S3"] = moto.Endpoint,
        };
        await using var server = await ServerProcess.StartWithEnvironmentAsync(
            environment,
            "--model_name=m",
            "--model_base_path=s3://later/m",
            "--file_system_poll_wait_seconds=1",
            $"--model_cache_dir={_cache}");

        // No version yet: the error stands as version 0 in state END (docs/storage.md).
        var missing = await StatusAsync(server);
        Assert.Equal(("0", "END", "NOT_FOUND"), (missing.Version, missing.State, missing.Code));
        Assert.Contains("S3 bucket 'later' does not exist (s3://later/m)", missing.Message, StringComparison.Ordinal);
        var (predictStatus, _) = await Json.PostAsync(server.Http, "/v1/models/m:predict", """{"instances": [1.0]}""");
        Assert.Equal(404, predictStatus);

        (await s3.PutAsync("/later", null)).EnsureSuccessStatusCode();
        await PutModelAsync(s3, "/later/m/1/model.onnx", 2f, 1f);
        await WaitForAsync(async () => (await StatusAsync(server)).State == "AVAILABLE", "version 1 to load");
        Assert.Equal(("1", "AVAILABLE", "OK", ""), await StatusAsync(server));
        Assert.Equal(5.0, await PredictAsync(server, 2));
    }

    [Fact]
    public async Task UnreachableEndpointShowsInTheStatus()
    {
        var environment = new Dictionary<string, string>
        {
            ["AWS_ACCESS_KEY_ID"] = "testing",
            ["AWS_SECRET_ACCESS_KEY"] = "testing",
            ["AWS_REGION"] = "us-east-1",
            ["AWS_ENDPOINT_URL_S3"] = $"http://127.0.0.1:{FreePort.Next()}",
        };
        await using var server = await ServerProcess.StartWithEnvironmentAsync(
            environment,
            "--model_name=m",
            "--model_base_path=s3://models/m",
            "--file_system_poll_wait_seconds=1",
            $"--model_cache_dir={_cache}");

        var status = await StatusAsync(server);
        Assert.Equal(("0", "END", "UNAVAILABLE"), (status.Version, status.State, status.Code));
        Assert.Contains("Could not reach S3 for s3://models/m", status.Message, StringComparison.Ordinal);
    }

    /// <summary>The newest entry of GET /v1/models/m (or of one version), as TF Serving's JSON spells it.</summary>
    private static async Task<(string Version, string State, string Code, string Message)> StatusAsync(ServerProcess server, string version = "")
    {
        var (code, body) = await Json.GetAsync(server.Http, "/v1/models/m" + version);
        Assert.True(code == 200, body);
        using var document = System.Text.Json.JsonDocument.Parse(body);
        var entry = document.RootElement.GetProperty("model_version_status").EnumerateArray().First();
        var status = entry.GetProperty("status");
        return (
            entry.GetProperty("version").GetString()!,
            entry.GetProperty("state").GetString()!,
            status.GetProperty("error_code").GetString()!,
            status.GetProperty("error_message").GetString()!);
    }

    private async Task PutModelAsync(HttpClient s3, string path, float a, float b)
    {
        var folder = Path.Combine(_scratch, Guid.NewGuid().ToString("N"));
        LinearModel.Write(folder, a, b);
        using var content = new ByteArrayContent(await File.ReadAllBytesAsync(Path.Combine(folder, "model.onnx")));
        (await s3.PutAsync(path, content)).EnsureSuccessStatusCode();
    }

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

    /// <summary>Skipped, with the reason, when moto_server is not on PATH.</summary>
    private sealed class S3FactAttribute : FactAttribute
    {
        public S3FactAttribute()
        {
            if (MotoProcess.Find() is null)
            {
                Skip = "moto_server is not on PATH (pip install 'moto[server]'); the S3 end-to-end test needs it";
            }
        }
    }

    /// <summary>moto_server on a free 127.0.0.1 port; disposing kills it.</summary>
    private sealed class MotoProcess(Process process, int port) : IDisposable
    {
        public string Endpoint { get; } = $"http://127.0.0.1:{port}";

        public static string? Find() =>
            (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
                .Select(folder => Path.Combine(folder, "moto_server"))
                .FirstOrDefault(File.Exists);

        public static MotoProcess Start()
        {
            var port = FreePort.Next();
            var info = new ProcessStartInfo(Find()!) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var argument in new[] { "-H", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture) })
            {
                info.ArgumentList.Add(argument);
            }

            var process = Process.Start(info)!;
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var moto = new MotoProcess(process, port);
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            while (true)
            {
                try
                {
                    using var client = new TcpClient();
                    client.Connect("127.0.0.1", port);
                    return moto;
                }
                catch (SocketException) when (DateTime.UtcNow < deadline && !process.HasExited)
                {
                    Thread.Sleep(100);
                }
            }
        }

        public void Dispose()
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(10_000);
            }

            process.Dispose();
        }
    }
}
