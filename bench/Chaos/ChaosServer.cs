using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Grpc.Net.Client;
using Tensorflow.Serving;

namespace NServe.Bench.Chaos;

/// <summary>The real server, started as a child process on free loopback ports, its output kept in a file.</summary>
public sealed class ChaosServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly GrpcChannel _channel;
    private bool _closed;
    private bool _disposed;

    private ChaosServer(Process process, int grpcPort, int restPort, string logPath)
    {
        _process = process;
        LogPath = logPath;
        _log = new StreamWriter(logPath) { AutoFlush = true };
        Http = new HttpClient(new SocketsHttpHandler { UseProxy = false, MaxConnectionsPerServer = 64 })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{restPort}"),
            Timeout = TimeSpan.FromSeconds(30),
        };
        _channel = GrpcChannel.ForAddress($"http://127.0.0.1:{grpcPort}", new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true, UseProxy = false },
        });
        Prediction = new PredictionService.PredictionServiceClient(_channel);
        Models = new ModelService.ModelServiceClient(_channel);
    }

    public HttpClient Http { get; }

    public PredictionService.PredictionServiceClient Prediction { get; }

    public ModelService.ModelServiceClient Models { get; }

    public string LogPath { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>Resident set size in bytes, from /proc.</summary>
    public long ResidentBytes
    {
        get
        {
            foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
                }
            }

            throw new InvalidOperationException("no VmRSS in /proc status");
        }
    }

    public static async Task<ChaosServer> StartAsync(string serverDll, string logPath, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var grpcPort = FreePort();
        var restPort = FreePort();
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(serverDll);
        info.ArgumentList.Add($"--port={grpcPort}");
        info.ArgumentList.Add($"--rest_api_port={restPort}");
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = info };
        var server = new ChaosServer(process, grpcPort, restPort, logPath);
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.Start();

        // A driver stopped by a signal must not leave its server running.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.KillIfRunning();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"nserve exited with {process.ExitCode}; see {logPath}");
            }

            try
            {
                using var response = await server.Http.GetAsync("/v1/models/chaos", cancellationToken).ConfigureAwait(false);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return server;
                }
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"nserve did not serve within 120 s; see {logPath}");
            }

            await Task.Delay(200, cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _channel.Dispose();
        Http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().ConfigureAwait(false);
        }

        _process.Dispose();
        lock (_log)
        {
            _closed = true;
            _log.Dispose();
        }
    }

    private void KillIfRunning()
    {
        try
        {
            if (!_disposed && !_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            if (!_closed)
            {
                _log.WriteLine(line);
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
