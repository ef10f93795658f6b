using Microsoft.Extensions.Logging;
using NServe.Core.Errors;
using NServe.Core.Servables;
using NServe.Core.Sources;

namespace NServe.Core.Management;

/// <summary>
/// Owns every loaded version of every model (TF Serving's AspiredVersionsManager). Sources tell it which
/// versions they want; it loads them off the request path, publishes a version only once it is loaded,
/// keeps the old version serving until a wanted one is available, and unloads a version once no request
/// holds it. Requests resolve to a <see cref="ServableHandle"/> without taking a lock.
/// </summary>
public sealed class ServableManager : IAsyncDisposable
{
    private readonly IReadOnlyList<IServableLoader> _loaders;
    private readonly ILogger<ServableManager> _logger;
    private readonly ManagerOptions _options;
    private readonly SemaphoreSlim _loadSlots;
    private readonly CancellationTokenSource _disposing = new();
    private readonly Lock _gate = new();
    private readonly Dictionary<string, ModelEntry> _models = new(StringComparer.Ordinal);
    private readonly List<Task> _pendingWork = [];
    private volatile Dictionary<string, ModelEntry> _modelsSnapshot = new(StringComparer.Ordinal);
    private bool _disposed;

    public ServableManager(IEnumerable<IServableLoader> loaders, ManagerOptions options, ILogger<ServableManager> logger)
    {
        _loaders = loaders.ToList();
        _logger = logger;
        _options = options;
        _loadSlots = new SemaphoreSlim(Math.Max(1, options.NumLoadThreads));
    }

    /// <summary>Names of every model the manager has been told about, in name order.</summary>
    public IReadOnlyList<string> ModelNames => _modelsSnapshot.Keys.Order(StringComparer.Ordinal).ToList();

    /// <summary>
    /// Replaces the set of versions wanted for <paramref name="model"/>. New versions start loading; versions
    /// no longer wanted are unloaded once a wanted version is available (or at once when none is wanted).
    /// <paramref name="platform"/> names the loader to use; null picks the one whose files are present.
    /// </summary>
    public void SetAspiredVersions(string model, string? platform, IReadOnlyList<AspiredVersion> aspired)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_models.TryGetValue(model, out var entry))
            {
                entry = new ModelEntry(model);
                _models.Add(model, entry);
                _modelsSnapshot = new Dictionary<string, ModelEntry>(_models, StringComparer.Ordinal);
            }

            entry.Platform = platform;
            var wanted = aspired.ToDictionary(a => a.Version);
            foreach (var version in entry.Versions.Values)
            {
                version.Aspired = wanted.ContainsKey(version.Version);
            }

            foreach (var candidate in aspired)
            {
                if (entry.Versions.TryGetValue(candidate.Version, out var existing) && !ShouldLoadAgain(existing, candidate))
                {
                    continue;
                }

                var version = new VersionEntry(candidate.Version, candidate.Path, candidate.Fingerprint) { Aspired = true, State = ServableState.Start };
                entry.Versions[candidate.Version] = version;
                Track(LoadAsync(entry, version));
            }

            RetireUnwanted(entry);
        }
    }

    /// <summary>
    /// A version that ended is loaded again when it is wanted again: after an unload, or after a failure
    /// once its files have changed (a failure that a retry cannot fix stays final until then).
    /// </summary>
    private static bool ShouldLoadAgain(VersionEntry existing, AspiredVersion candidate) =>
        existing.State == ServableState.End
        && (existing.ErrorCode == StatusCode.Ok || !string.Equals(existing.Fingerprint, candidate.Fingerprint, StringComparison.Ordinal));

    /// <summary>Replaces the labels of <paramref name="model"/>; the caller has checked them.</summary>
    public void SetLabels(string model, IReadOnlyDictionary<string, long> labels)
    {
        lock (_gate)
        {
            if (!_models.TryGetValue(model, out var entry))
            {
                entry = new ModelEntry(model);
                _models.Add(model, entry);
                _modelsSnapshot = new Dictionary<string, ModelEntry>(_models, StringComparer.Ordinal);
            }

            entry.Labels = new Dictionary<string, long>(labels, StringComparer.Ordinal);
        }
    }

    /// <summary>The labels of <paramref name="model"/> (empty when it has none or is unknown).</summary>
    public IReadOnlyDictionary<string, long> GetLabels(string model) =>
        _modelsSnapshot.TryGetValue(model, out var entry) ? entry.Labels : new Dictionary<string, long>();

    /// <summary>True when that version is loaded and serving.</summary>
    public bool IsAvailable(string model, long version) =>
        _modelsSnapshot.TryGetValue(model, out var entry) && entry.Available.Any(a => a.Version == version);

    /// <summary>Resolves a request to a loaded version; the caller disposes the handle when done.</summary>
    public ServableHandle GetHandle(ServableRequest request)
    {
        if (string.IsNullOrEmpty(request.Name))
        {
            throw ServingException.InvalidArgument("ModelSpec has no name specified.");
        }

        if (!_modelsSnapshot.TryGetValue(request.Name, out var entry))
        {
            throw ServingException.NotFound($"Servable not found for request: {request}");
        }

        var effective = request;
        if (request.Label is { } label)
        {
            if (!entry.Labels.TryGetValue(label, out var labelled))
            {
                throw ServingException.InvalidArgument($"Unrecognized servable version label: {label}");
            }

            effective = ServableRequest.Specific(request.Name, labelled);
        }

        // A version can be retired between reading the snapshot and acquiring it; read again then.
        while (true)
        {
            var available = entry.Available;
            LoadedServable? chosen = null;
            if (effective.Version is { } wantedVersion)
            {
                foreach (var (version, loaded) in available)
                {
                    if (version == wantedVersion)
                    {
                        chosen = loaded;
                        break;
                    }
                }
            }
            else if (available.Length > 0)
            {
                chosen = available[0].Loaded;
            }

            if (chosen is null)
            {
                throw ServingException.NotFound($"Servable not found for request: {effective}");
            }

            if (chosen.TryAcquire())
            {
                return new ServableHandle(chosen);
            }

            if (ReferenceEquals(available, entry.Available))
            {
                Thread.Yield();
            }
        }
    }

    /// <summary>
    /// Every version the manager knows of <paramref name="model"/>, highest first. While the model's storage
    /// fails (<see cref="SetSourceError"/>), versions in play with no error of their own show the storage
    /// error (ended ones only when no version is in play), and a model with no version yet shows it as
    /// version 0 in state END.
    /// </summary>
    public IReadOnlyList<VersionStatus> GetVersionStatuses(string model)
    {
        lock (_gate)
        {
            if (!_models.TryGetValue(model, out var entry))
            {
                return [];
            }

            if (entry.Versions.Count == 0)
            {
                return entry.SourceError is { } only ? [new VersionStatus(0, ServableState.End, only.Code, only.Message)] : [];
            }

            // The storage error goes on the versions still in play; only when every version has ended does
            // it go on those, so it shows somewhere without marking old unloaded versions needlessly.
            var anyLive = entry.Versions.Values.Any(v => v.State != ServableState.End);
            return entry.Versions.Values
                .OrderByDescending(v => v.Version)
                .Select(v => entry.SourceError is { } error && v.ErrorCode == StatusCode.Ok && (v.State != ServableState.End || !anyLive)
                    ? new VersionStatus(v.Version, v.State, error.Code, error.Message)
                    : new VersionStatus(v.Version, v.State, v.ErrorCode, v.ErrorMessage))
                .ToList();
        }
    }

    /// <summary>
    /// Records why <paramref name="model"/>'s storage could not be listed or a version fetched, so the status
    /// API says it (not only the log). Nothing is loaded or unloaded: versions being served keep serving.
    /// </summary>
    public void SetSourceError(string model, StatusCode code, string message)
    {
        lock (_gate)
        {
            if (!_models.TryGetValue(model, out var entry))
            {
                entry = new ModelEntry(model);
                _models.Add(model, entry);
                _modelsSnapshot = new Dictionary<string, ModelEntry>(_models, StringComparer.Ordinal);
            }

            entry.SourceError = (code, message);
        }
    }

    /// <summary>Forgets the storage error of <paramref name="model"/> (its storage answered again, or it left the config).</summary>
    public void ClearSourceError(string model)
    {
        lock (_gate)
        {
            if (_models.TryGetValue(model, out var entry))
            {
                entry.SourceError = null;
            }
        }
    }

    /// <summary>Completes when no load or unload is in progress (used to wait for the first loads).</summary>
    public async Task WaitUntilIdleAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Task[] pending;
            lock (_gate)
            {
                _pendingWork.RemoveAll(t => t.IsCompleted);
                pending = [.. _pendingWork];
            }

            if (pending.Length == 0)
            {
                return;
            }

            await Task.WhenAll(pending).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        List<LoadedServable> retired = [];
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _disposing.Cancel();
            foreach (var entry in _models.Values)
            {
                foreach (var version in entry.Versions.Values)
                {
                    if (version.Loaded is { } loaded)
                    {
                        version.Loaded = null;
                        version.State = ServableState.End;
                        retired.Add(loaded);
                    }
                }

                entry.Available = [];
            }
        }

        try
        {
            await WaitUntilIdleAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            _logger.LogWarning(ex, "A load was still failing at shutdown");
        }

        foreach (var loaded in retired)
        {
            loaded.Release();
        }

        await Task.WhenAll(retired.Select(r => r.Released)).ConfigureAwait(false);
        _loadSlots.Dispose();
        _disposing.Dispose();
    }

    private void Track(Task work)
    {
        _pendingWork.RemoveAll(t => t.IsCompleted);
        _pendingWork.Add(work);
    }

    private async Task LoadAsync(ModelEntry entry, VersionEntry version)
    {
        await Task.Yield();
        await _loadSlots.WaitAsync().ConfigureAwait(false);
        try
        {
            lock (_gate)
            {
                if (_disposed || !version.Aspired)
                {
                    version.State = ServableState.End;
                    return;
                }

                version.State = ServableState.Loading;
            }

            var id = new ServableId(entry.Name, version.Version);
            _logger.LogInformation("Loading servable version {Servable} from {Path}", id, version.Path);
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            IServable servable;
            try
            {
                servable = await LoadWithRetriesAsync(entry, version, id).ConfigureAwait(false);
                servable = Decorate(servable, version.Path);
                await WarmUpAsync(servable, version.Path).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                var code = ex is ServingException se ? se.Code : StatusCode.Unknown;
                _logger.LogError(
                    "Failed to load servable version {Servable} after {Milliseconds:F0} ms: {Error}",
                    id,
                    System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds,
                    ex.Message);
                lock (_gate)
                {
                    version.State = ServableState.End;
                    version.ErrorCode = code;
                    version.ErrorMessage = ex.Message;
                    RetireUnwanted(entry);
                }

                return;
            }

            bool publish;
            lock (_gate)
            {
                publish = !_disposed && version.Aspired;
                if (publish)
                {
                    version.Loaded = new LoadedServable(servable);
                    version.State = ServableState.Available;
                    version.ErrorCode = StatusCode.Ok;
                    version.ErrorMessage = "";
                    Publish(entry);
                    RetireUnwanted(entry);
                }
                else
                {
                    version.State = ServableState.End;
                }
            }

            if (publish)
            {
                _logger.LogInformation(
                    "Successfully loaded servable version {Servable} in {Milliseconds:F0} ms",
                    id,
                    System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
            else
            {
                servable.Dispose();
            }
        }
        finally
        {
            _loadSlots.Release();
        }
    }

    // A warmup failure fails the load (TF Serving), so the servable is released here.
    private async Task WarmUpAsync(IServable servable, string versionPath)
    {
        if (_options.Warmup is not { } warmup)
        {
            return;
        }

        try
        {
            await warmup(servable, versionPath, _disposing.Token).ConfigureAwait(false);
        }
        catch
        {
            servable.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Loads, trying again after failures that may pass (I/O, unavailable storage) as TF Serving's
    /// --max_num_load_retries / --load_retry_interval_micros say; the status shows LOADING and the last error
    /// meanwhile. Failures no retry can fix (bad or unsupported files) are thrown at once.
    /// </summary>
    private async Task<IServable> LoadWithRetriesAsync(ModelEntry entry, VersionEntry version, ServableId id)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                var loader = ChooseLoader(entry.Platform, version.Path);
                return await loader.LoadAsync(id, version.Path, _disposing.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (IsTransient(ex) && attempt < _options.MaxLoadRetries && !_disposing.IsCancellationRequested)
            {
                _logger.LogWarning("Loading servable version {Servable} failed, retrying in {Interval}: {Error}", id, _options.LoadRetryInterval, ex.Message);
                lock (_gate)
                {
                    version.ErrorCode = ex is ServingException se ? se.Code : StatusCode.Unavailable;
                    version.ErrorMessage = ex.Message;
                    if (!version.Aspired)
                    {
                        throw;
                    }
                }

                await Task.Delay(_options.LoadRetryInterval, _disposing.Token).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Wraps a loaded servable (server-side batching); a failing decorator releases the servable itself.</summary>
    private IServable Decorate(IServable servable, string versionPath) =>
        _options.Decorate is { } decorate ? decorate(servable, versionPath) : servable;

    private static bool IsTransient(Exception ex) => ex switch
    {
        ServingException se => se.Code is StatusCode.Unavailable or StatusCode.Aborted or StatusCode.DeadlineExceeded or StatusCode.ResourceExhausted,
        FileNotFoundException or DirectoryNotFoundException => false,
        IOException io => io.GetType() == typeof(IOException),
        _ => false,
    };

    private IServableLoader ChooseLoader(string? platform, string path)
    {
        if (platform is not null)
        {
            return _loaders.FirstOrDefault(l => string.Equals(l.Platform, platform, StringComparison.Ordinal))
                ?? throw ServingException.InvalidArgument($"Unsupported model platform: {platform}");
        }

        if (!Directory.Exists(path))
        {
            throw ServingException.NotFound($"Version folder {path} does not exist");
        }

        return _loaders.FirstOrDefault(l => l.CanLoad(path))
            ?? throw ServingException.NotFound(
                $"No servable model found in {path}: expected model.onnx (platform onnx) or saved_model.pb / saved_model.pbtxt (platform tensorflow)");
    }

    /// <summary>
    /// Unloads versions no longer wanted, but only once some wanted version is available or nothing is
    /// wanted at all, so a model never drops to zero versions while its replacement loads or fails.
    /// Caller holds <see cref="_gate"/>.
    /// </summary>
    private void RetireUnwanted(ModelEntry entry)
    {
        var anyWanted = entry.Versions.Values.Any(v => v.Aspired);
        var wantedAvailable = entry.Versions.Values.Any(v => v.Aspired && v.State == ServableState.Available);
        if (anyWanted && !wantedAvailable)
        {
            return;
        }

        var retired = new List<VersionEntry>();
        foreach (var version in entry.Versions.Values)
        {
            if (!version.Aspired && version.State == ServableState.Available && version.Loaded is not null)
            {
                version.State = ServableState.Unloading;
                retired.Add(version);
            }
        }

        if (retired.Count == 0)
        {
            return;
        }

        Publish(entry);
        foreach (var version in retired)
        {
            var loaded = version.Loaded!;
            version.Loaded = null;
            _logger.LogInformation("Unloading servable version {Servable}", new ServableId(entry.Name, version.Version));
            loaded.Release();
            Track(FinishUnloadAsync(version, loaded));
        }
    }

    private async Task FinishUnloadAsync(VersionEntry version, LoadedServable loaded)
    {
        await loaded.Released.ConfigureAwait(false);
        lock (_gate)
        {
            version.State = ServableState.End;
        }
    }

    /// <summary>Rebuilds the lock-free view of available versions, highest first. Caller holds the gate.</summary>
    private static void Publish(ModelEntry entry)
    {
        entry.Available = entry.Versions.Values
            .Where(v => v.State == ServableState.Available && v.Loaded is not null)
            .OrderByDescending(v => v.Version)
            .Select(v => (v.Version, v.Loaded!))
            .ToArray();
    }

    private sealed class ModelEntry(string name)
    {
        public string Name { get; } = name;

        public string? Platform { get; set; }

        public Dictionary<long, VersionEntry> Versions { get; } = [];

        public volatile (long Version, LoadedServable Loaded)[] Available = [];

        public IReadOnlyDictionary<string, long> Labels { get; set; } = new Dictionary<string, long>();

        public (StatusCode Code, string Message)? SourceError { get; set; }
    }

    private sealed class VersionEntry(long version, string path, string? fingerprint)
    {
        public long Version { get; } = version;

        public string Path { get; } = path;

        public string? Fingerprint { get; } = fingerprint;

        public bool Aspired { get; set; }

        public ServableState State { get; set; }

        public StatusCode ErrorCode { get; set; }

        public string ErrorMessage { get; set; } = "";

        public LoadedServable? Loaded { get; set; }
    }
}
