using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace NServe.Bench.Chaos;

/// <summary>
/// One chaos and soak run: a model root, the real server on it, mixed REST/gRPC load with every answer
/// checked, faults injected meanwhile, RSS sampled, and the server's log read afterwards for failed loads
/// of good versions.
/// </summary>
public static partial class ChaosRun
{
    public const double RssLimit = 0.10;

    public static async Task<ChaosResult> RunAsync(ChaosOptions options, CancellationToken cancellationToken = default)
    {
        var log = options.Log ?? (_ => { });
        var ledger = new ChaosLedger();
        var tally = new ChaosTally();
        var judge = new AnswerJudge(ledger);
        var root = ModelRoot.Create(Path.Combine(options.WorkFolder, "models"), options.RepositoryRoot);
        if (root.SavedModelPath is null)
        {
            log("../shared/testdata is absent: running without the SavedModel");
        }

        long[] available = [];
        var faults = new FaultInjector(root, ledger, tally, () => Volatile.Read(ref available), options);
        faults.Prepare();
        var serverLog = Path.Combine(options.WorkFolder, "nserve.log");
        await using var server = await ChaosServer.StartAsync(
            options.ServerDll,
            serverLog,
            [
                $"--model_config_file={root.ConfigPath}",
                "--model_config_file_poll_wait_seconds=1",
                "--file_system_poll_wait_seconds=1",
            ],
            cancellationToken).ConfigureAwait(false);
        log($"server up; model root {root.Folder}; log {serverLog}");

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var started = ledger.Now;
        var rss = new List<(double Seconds, long Bytes)>();
        var watcher = WatchAsync(server, tally, rss, value => Volatile.Write(ref available, value), started, ledger, stop.Token);
        var workers = new List<Task>();
        for (var i = 0; i < options.RestWorkers + options.GrpcWorkers; i++)
        {
            var worker = new LoadWorker(i >= options.RestWorkers, server, ledger, judge, tally, () => Volatile.Read(ref available), root.SavedModelPath is not null, options.WorkerPause, options.Seed + i + 1);
            workers.Add(Task.Run(() => worker.RunAsync(stop.Token), CancellationToken.None));
        }

        var faulting = faults.RunAsync(server, stop.Token);
        var progress = ProgressAsync(tally, options.Duration, log, stop.Token);
        try
        {
            await Task.Delay(options.Duration, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll([.. workers, faulting, watcher, progress]).ConfigureAwait(false);
        }

        if (server.HasExited)
        {
            tally.Unexpected("the server exited during the run");
        }
        else
        {
            rss.Add(((ledger.Now - started) / 1000, server.ResidentBytes));
        }

        await server.DisposeAsync().ConfigureAwait(false);
        ReadServerLog(serverLog, tally, ledger);

        var baseline = rss.FirstOrDefault(r => r.Seconds >= options.RssBaselineAt.TotalSeconds);
        double? growth = options.Duration >= options.RssBaselineAt * 2 && baseline.Bytes > 0
            ? ((double)rss[^1].Bytes / baseline.Bytes) - 1
            : null;
        return new ChaosResult(options.Duration, tally.Counts, tally.UnexpectedCount, tally.UnexpectedExamples, rss, growth, RssLimit);
    }

    /// <summary>Keeps the list of AVAILABLE chaos versions fresh, checks one is always there, and samples RSS every 5 s.</summary>
    private static async Task WatchAsync(ChaosServer server, ChaosTally tally, List<(double Seconds, long Bytes)> rss, Action<long[]> publish, double started, ChaosLedger ledger, CancellationToken stop)
    {
        var nextRss = 0.0;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                var text = await server.Http.GetStringAsync("/v1/models/chaos", stop).ConfigureAwait(false);
                using var document = JsonDocument.Parse(text);
                var versions = document.RootElement.GetProperty("model_version_status").EnumerateArray()
                    .Where(s => s.GetProperty("state").GetString() == "AVAILABLE")
                    .Select(s => long.Parse(s.GetProperty("version").GetString()!, CultureInfo.InvariantCulture))
                    .ToArray();
                if (versions.Length == 0)
                {
                    tally.Unexpected($"no AVAILABLE version of chaos at {(ledger.Now - started) / 1000:F1} s: {text}");
                }

                publish(versions);
                var seconds = (ledger.Now - started) / 1000;
                if (seconds >= nextRss && !server.HasExited)
                {
                    rss.Add((seconds, server.ResidentBytes));
                    nextRss += 5;
                }

                await Task.Delay(500, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is HttpRequestException or JsonException or IOException or InvalidOperationException)
            {
                tally.Unexpected($"status poll failed: {ex.Message}");
                await Task.Delay(500, CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    private static async Task ProgressAsync(ChaosTally tally, TimeSpan duration, Action<string> log, CancellationToken stop)
    {
        var step = TimeSpan.FromSeconds(Math.Max(10, duration.TotalSeconds / 10));
        try
        {
            while (true)
            {
                await Task.Delay(step, stop).ConfigureAwait(false);
                log($"requests rest {tally.Get("requests.rest")} grpc {tally.Get("requests.grpc")}, right {tally.Get("answers.right")}, unexpected {tally.UnexpectedCount}");
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>
    /// Failed loads of good versions mean a half-copied folder was loaded; failed loads of the corrupt ones
    /// are expected. Every garbage config file must have been rejected.
    /// </summary>
    private static void ReadServerLog(string path, ChaosTally tally, ChaosLedger ledger)
    {
        var rejectedFiles = 0L;
        foreach (var line in File.ReadLines(path))
        {
            if (FailedLoad().Match(line) is { Success: true } failed)
            {
                var version = long.Parse(failed.Groups[2].Value, CultureInfo.InvariantCulture);
                if (failed.Groups[1].Value == ChaosTarget.ChaosModel && ledger.IsCorrupt(version))
                {
                    tally.Count("expected.corrupt version failed to load");
                }
                else
                {
                    tally.Unexpected("server log: " + line);
                }
            }
            else if (line.Contains("Rejected the new model config", StringComparison.Ordinal))
            {
                rejectedFiles++;
            }
            else if (line.Contains("Unhandled exception", StringComparison.OrdinalIgnoreCase))
            {
                tally.Unexpected("server log: " + line);
            }
        }

        tally.Count("log.config_file_rejections", rejectedFiles);
        if (rejectedFiles < tally.Get("fault.garbage_config_file"))
        {
            tally.Unexpected($"{tally.Get("fault.garbage_config_file")} garbage config files written, only {rejectedFiles} rejections logged");
        }
    }

    [GeneratedRegex(@"Failed to load servable version \{name: (\S+) version: (\d+)\}")]
    private static partial Regex FailedLoad();
}
