using System.Diagnostics;
using System.Net.Http;
using System.Text;
using Grpc.Net.Client;

namespace NServe.EndToEnd.Tests.Infrastructure;

/// <summary>
/// The real <c>nserve</c> executable started on free 127.0.0.1 ports, with its output captured, and
/// clients for its REST and gRPC ports. Disposing kills it.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private GrpcChannel? _channel;

    private ServerProcess(Process process, int grpcPort, int restPort, HttpMessageHandler? restHandler = null, bool restTls = false)
    {
        _process = process;
        GrpcPort = grpcPort;
        RestPort = restPort;
        var scheme = restTls ? "https" : "http";
        Http = new HttpClient(restHandler ?? new SocketsHttpHandler()) { BaseAddress = new Uri($"{scheme}://127.0.0.1:{restPort}"), Timeout = TimeSpan.FromSeconds(30) };
    }

    public int GrpcPort { get; }

    public int RestPort { get; }

    public HttpClient Http { get; }

    public GrpcChannel Channel => _channel ??= GrpcChannel.ForAddress($"http://127.0.0.1:{GrpcPort}");

    /// <summary>Everything the server printed so far (stdout and stderr).</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>The server's resident set size in bytes, from /proc.</summary>
    public long ResidentBytes
    {
        get
        {
            foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    var kilobytes = long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
                    return kilobytes * 1024;
                }
            }

            throw new InvalidOperationException("no VmRSS line in /proc status");
        }
    }

    /// <summary>Starts the server with its ports chosen here plus <paramref name="arguments"/>, and waits until REST answers.</summary>
    public static async Task<ServerProcess> StartAsync(params string[] arguments)
    {
        var grpcPort = FreePort.Next();
        var restPort = FreePort.Next();
        var server = Launch([$"--port={grpcPort}", $"--rest_api_port={restPort}", .. arguments], grpcPort, restPort);
        await server.WaitUntilServingAsync();
        return server;
    }

    /// <summary>As <see cref="StartAsync"/>, with the REST client's handler given (TLS tests).</summary>
    public static async Task<ServerProcess> StartWithRestClientAsync(HttpMessageHandler restHandler, bool restTls, params string[] arguments)
    {
        var grpcPort = FreePort.Next();
        var restPort = FreePort.Next();
        var server = Launch([$"--port={grpcPort}", $"--rest_api_port={restPort}", .. arguments], grpcPort, restPort, restHandler, restTls);
        await server.WaitUntilServingAsync();
        return server;
    }

    /// <summary>As <see cref="StartAsync"/>, with <paramref name="environment"/> added to the server's environment.</summary>
    public static async Task<ServerProcess> StartWithEnvironmentAsync(IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var grpcPort = FreePort.Next();
        var restPort = FreePort.Next();
        var server = Launch([$"--port={grpcPort}", $"--rest_api_port={restPort}", .. arguments], grpcPort, restPort, environment: environment);
        await server.WaitUntilServingAsync();
        return server;
    }

    /// <summary>Runs the executable to completion with exactly <paramref name="arguments"/> (for flag tests).</summary>
    public static async Task<(int ExitCode, string Output)> RunToExitAsync(params string[] arguments)
    {
        await using var server = Launch(arguments, 0, 0);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await server._process.WaitForExitAsync(timeout.Token);
        server._process.WaitForExit();
        return (server._process.ExitCode, server.Output);
    }

    private static ServerProcess Launch(IEnumerable<string> arguments, int grpcPort, int restPort, HttpMessageHandler? restHandler = null, bool restTls = false, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = TestPaths.RepositoryRoot,
        };
        info.ArgumentList.Add(TestPaths.ServerDll);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = info };
        var server = new ServerProcess(process, grpcPort, restPort, restHandler, restTls);
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return server;
    }

    public async Task WaitUntilServingAsync()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"nserve exited with {_process.ExitCode}:\n{Output}");
            }

            try
            {
                using var response = await Http.GetAsync("/v1/models/__readiness_probe__");
                return;
            }
            catch (HttpRequestException)
            {
                await Task.Delay(100);
            }
        }

        throw new TimeoutException($"nserve did not start serving within 60 s:\n{Output}");
    }

    /// <summary>Sends SIGTERM and waits for the exit code.</summary>
    public async Task<int> StopAsync()
    {
        if (!_process.HasExited)
        {
            _ = Kill(_process.Id, SigTerm);
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(timeout.Token);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        _channel?.Dispose();
        Http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private const int SigTerm = 15;

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
