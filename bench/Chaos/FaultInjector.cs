using System.Text.Json;
using Grpc.Core;
using Tensorflow.Serving;

namespace NServe.Bench.Chaos;

/// <summary>
/// The faults, one at a time at random: versions added whole or copied slowly, versions deleted while
/// they serve, a corrupt version, labels moved by the config file or by gRPC HandleReloadConfigRequest, the
/// extra model dropped from and put back in the config, and garbage configs by both roads. It keeps 2 to 5
/// good versions on disk.
/// </summary>
public sealed class FaultInjector(ModelRoot root, ChaosLedger ledger, ChaosTally tally, Func<long[]> availableVersions, ChaosOptions options)
{
    private const int MinVersions = 2;
    private const int MaxVersions = 5;
    private readonly Random _random = new(options.Seed);
    private readonly Lock _gate = new();
    private readonly SortedSet<long> _present = [1, 2, 3];
    private readonly List<(long Version, double At)> _corrupt = [];
    private long _next = 4;
    private Task _slowCopy = Task.CompletedTask;
    private bool _extra = true;
    private Dictionary<string, long> _labels = new() { ["stable"] = 1, ["canary"] = 3 };
    private string _lastValidConfig = "";
    private ChaosServer _server = null!;

    /// <summary>Writes versions 1-3 and the first config, before the server starts.</summary>
    public void Prepare()
    {
        foreach (var version in _present)
        {
            WriteWhole(version, VersionModels.Bytes(version));
            ledger.VersionCompleted(version);
        }

        _lastValidConfig = root.ConfigText(_labels, _extra);
        root.WriteConfig(_lastValidConfig);
        ledger.LabelsIssued(_labels, _extra);
    }

    public async Task RunAsync(ChaosServer server, CancellationToken stop)
    {
        _server = server;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(options.FaultInterval.TotalMilliseconds * (0.5 + _random.NextDouble())), stop).ConfigureAwait(false);
                await OneFaultAsync(stop).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }

        await _slowCopy.ConfigureAwait(false);
    }

    private async Task OneFaultAsync(CancellationToken stop)
    {
        int present;
        lock (_gate)
        {
            present = _present.Count;
        }

        switch (_random.Next(9))
        {
            case 0 when present < MaxVersions:
                AddWhole();
                break;
            case 1 when present < MaxVersions && _slowCopy.IsCompleted:
                _slowCopy = AddSlowlyAsync(stop);
                break;
            case 2 or 3 when present > MinVersions:
                DeleteOne();
                break;
            case 4 when _corrupt.Count == 0:
                AddCorrupt();
                break;
            case 5:
                await MoveLabelsAsync(viaGrpc: false, stop).ConfigureAwait(false);
                break;
            case 6:
                await MoveLabelsAsync(viaGrpc: true, stop).ConfigureAwait(false);
                break;
            case 7:
                await GarbageFileAsync(stop).ConfigureAwait(false);
                break;
            case 8:
                await GarbageGrpcAsync(stop).ConfigureAwait(false);
                break;
            default:
                DeleteOldCorrupt();
                break;
        }
    }

    private void AddWhole()
    {
        var version = _next++;
        WriteWhole(version, VersionModels.Bytes(version));
        ledger.VersionCompleted(version);
        lock (_gate)
        {
            _present.Add(version);
        }

        tally.Count("fault.version_added");
    }

    /// <summary>Writes the model file in small pieces with pauses shorter than the poll interval, as a slow copy does.</summary>
    private async Task AddSlowlyAsync(CancellationToken stop)
    {
        var version = _next++;
        var bytes = VersionModels.Bytes(version);
        Directory.CreateDirectory(root.VersionFolder(version));
        var file = new FileStream(Path.Combine(root.VersionFolder(version), "model.onnx"), FileMode.CreateNew, FileAccess.Write, FileShare.Read);
        await using (file.ConfigureAwait(false))
        {
            for (var offset = 0; offset < bytes.Length; offset += 16 * 1024)
            {
                await file.WriteAsync(bytes.AsMemory(offset, Math.Min(16 * 1024, bytes.Length - offset)), CancellationToken.None).ConfigureAwait(false);
                await file.FlushAsync(CancellationToken.None).ConfigureAwait(false);
                await Task.Delay(150, CancellationToken.None).ConfigureAwait(false);
            }
        }

        ledger.VersionCompleted(version);
        lock (_gate)
        {
            _present.Add(version);
        }

        tally.Count("fault.version_copied_slowly");
    }

    private void DeleteOne()
    {
        long version;
        lock (_gate)
        {
            version = _present.ElementAt(_random.Next(_present.Count));
            _present.Remove(version);
        }

        ledger.VersionDeleted(version);
        Directory.Delete(root.VersionFolder(version), recursive: true);
        tally.Count("fault.version_deleted");
    }

    private void AddCorrupt()
    {
        var version = _next++;
        var garbage = new byte[64 * 1024];
        _random.NextBytes(garbage);
        ledger.VersionCorrupt(version);
        WriteWhole(version, garbage);
        _corrupt.Add((version, ledger.Now));
        tally.Count("fault.corrupt_version_added");
    }

    private void DeleteOldCorrupt()
    {
        foreach (var (version, at) in _corrupt.Where(c => ledger.Now - c.At > 5000).ToList())
        {
            ledger.VersionDeleted(version);
            Directory.Delete(root.VersionFolder(version), recursive: true);
            _corrupt.Remove((version, at));
            tally.Count("fault.corrupt_version_deleted");
        }
    }

    /// <summary>stable → a random AVAILABLE version, canary → the highest; sometimes drops or restores the extra model.</summary>
    private async Task MoveLabelsAsync(bool viaGrpc, CancellationToken stop)
    {
        // Only versions still on disk: a label may not name a version being unloaded.
        long[] available;
        lock (_gate)
        {
            available = availableVersions().Where(_present.Contains).ToArray();
        }

        if (available.Length == 0)
        {
            return;
        }

        var labels = new Dictionary<string, long> { ["stable"] = available[_random.Next(available.Length)], ["canary"] = available.Max() };
        var extra = _random.Next(4) == 0 ? !_extra : _extra;
        ledger.LabelsIssued(labels, extra);
        var text = root.ConfigText(labels, extra);
        if (viaGrpc)
        {
            try
            {
                var response = await _server.Models.HandleReloadConfigRequestAsync(
                    new ReloadConfigRequest { Config = root.ConfigMessage(labels, extra) },
                    deadline: DateTime.UtcNow.AddSeconds(60),
                    cancellationToken: stop).ResponseAsync.ConfigureAwait(false);
                if (response.Status.ErrorCode != Tensorflow.Error.Code.Ok)
                {
                    tally.Unexpected($"gRPC reload rejected a valid config: {response.Status.ErrorCode} {response.Status.ErrorMessage}");
                }
            }
            catch (RpcException e) when (!stop.IsCancellationRequested)
            {
                tally.Unexpected($"gRPC reload rejected a valid config: {e.StatusCode} {e.Status.Detail}");
            }

            tally.Count("fault.reload_grpc");
        }
        else
        {
            tally.Count("fault.reload_file");
        }

        // The file follows too, so the next file change starts from what is applied.
        root.WriteConfig(text);
        _lastValidConfig = text;
        _labels = labels;
        _extra = extra;
        if (!await LabelsAppliedAsync(labels, stop).ConfigureAwait(false) && !stop.IsCancellationRequested)
        {
            tally.Unexpected($"labels {string.Join(", ", labels)} not applied within 15 s of the config ({(viaGrpc ? "gRPC" : "file")})");
        }
    }

    private async Task GarbageFileAsync(CancellationToken stop)
    {
        var garbage = _random.Next(2) == 0
            ? "model_config_list { config { name: 'chaos' base_path: "
            : root.ConfigText(_labels, _extra, duplicateChaos: true);
        root.WriteConfig(garbage);
        tally.Count("fault.garbage_config_file");
        try
        {
            await Task.Delay(2500, stop).ConfigureAwait(false);
        }
        finally
        {
            root.WriteConfig(_lastValidConfig);
        }
    }

    private async Task GarbageGrpcAsync(CancellationToken stop)
    {
        tally.Count("fault.garbage_config_grpc");
        try
        {
            var response = await _server.Models.HandleReloadConfigRequestAsync(
                new ReloadConfigRequest { Config = root.ConfigMessage(_labels, _extra, duplicateChaos: true) },
                deadline: DateTime.UtcNow.AddSeconds(60),
                cancellationToken: stop).ResponseAsync.ConfigureAwait(false);
            if (response.Status.ErrorCode == Tensorflow.Error.Code.Ok)
            {
                tally.Unexpected("gRPC reload accepted a config that lists model chaos twice");
            }
            else
            {
                tally.Count("expected.garbage config rejected (gRPC)");
            }
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.InvalidArgument)
        {
            tally.Count("expected.garbage config rejected (gRPC)");
        }
        catch (RpcException e) when (!stop.IsCancellationRequested)
        {
            tally.Unexpected($"gRPC reload of a garbage config failed with {e.StatusCode} (expected InvalidArgument): {e.Status.Detail}");
        }
    }

    private async Task<bool> LabelsAppliedAsync(IReadOnlyDictionary<string, long> labels, CancellationToken stop)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (DateTime.UtcNow < deadline && !stop.IsCancellationRequested)
        {
            try
            {
                var text = await _server.Http.GetStringAsync("/v1/models", stop).ConfigureAwait(false);
                using var document = JsonDocument.Parse(text);
                foreach (var model in document.RootElement.GetProperty("models").EnumerateArray())
                {
                    if (model.GetProperty("name").GetString() != ChaosTarget.ChaosModel)
                    {
                        continue;
                    }

                    var applied = model.GetProperty("version_labels");
                    if (labels.All(l => applied.TryGetProperty(l.Key, out var v) && v.GetString() == l.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)))
                    {
                        return true;
                    }
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return false;
            }

            await Task.Delay(200, CancellationToken.None).ConfigureAwait(false);
        }

        return false;
    }

    private void WriteWhole(long version, byte[] bytes)
    {
        Directory.CreateDirectory(root.VersionFolder(version));
        File.WriteAllBytes(Path.Combine(root.VersionFolder(version), "model.onnx"), bytes);
    }
}
