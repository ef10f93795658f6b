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
