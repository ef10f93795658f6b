using Microsoft.Extensions.Logging;
using NServe.Core.Management;
using NServe.Core.Servables;

namespace NServe.Core.Sources;

/// <summary>
/// Watches each model's base path for numeric version folders and tells the manager which versions to
/// serve (TF Serving's FileSystemStoragePathSource). The base path is a local folder or a remote store
/// (<see cref="ModelStorageRegistry"/>). Polls every <c>--file_system_poll_wait_seconds</c>; 0 or less
/// polls only when asked. A version folder that appears while the server runs is offered only once its
/// contents are unchanged between two polls, so a folder still being copied or uploaded is never loaded;
/// the folders present at a model's first poll are offered at once. A remote version is copied to a local
/// cache folder before it is offered; copies of versions no longer offered or loaded are removed.
/// "Unchanged between two polls" means unchanged for at least (nearly) one poll interval, however often
/// config reloads make the source poll in between.
/// </summary>
public sealed class FileSystemSource(
    ServableManager manager,
    TimeSpan pollInterval,
    ILogger<FileSystemSource> logger,
    ModelStorageRegistry? storages = null)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ModelStorageRegistry _storages = storages ?? new ModelStorageRegistry();
    private volatile IReadOnlyList<ModelSourceConfig> _models = [];
    private readonly Dictionary<string, IModelStorage> _storageByModel = new(StringComparer.Ordinal);
    private readonly HashSet<string> _polledModels = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Model, long Version), (string Fingerprint, DateTime Since)> _lastSeen = [];
    private readonly Dictionary<(string Model, long Version), StoredVersion> _offered = [];
    private readonly Dictionary<(string Model, long Version), string> _localPaths = [];
    private readonly Dictionary<string, (int Failures, DateTime RetryAt)> _retries = new(StringComparer.Ordinal);

    public IReadOnlyList<ModelSourceConfig> Models => _models;

    // How long a new version's contents must stay unchanged before it is offered: a poll interval, less a
    // little for timer jitter; with polling only on request, two polls in a row suffice.
    private TimeSpan SettleTime => pollInterval > TimeSpan.Zero ? pollInterval * 0.9 : TimeSpan.Zero;

    /// <summary>
    /// Replaces the watched models and polls them. Models left out are told they want no versions, so the
    /// manager unloads them.
    /// </summary>
    public async Task SetModelsAsync(IReadOnlyList<ModelSourceConfig> models, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            foreach (var removed in _models.Where(old => models.All(m => m.Name != old.Name)))
            {
                manager.SetAspiredVersions(removed.Name, removed.Platform, []);
                Forget(removed.Name);
            }

            // A model whose base path changed starts over: its folders are new to us.
            foreach (var changed in models.Where(m => _models.Any(old => old.Name == m.Name && old.BasePath != m.BasePath)))
            {
                Forget(changed.Name);
            }

            _models = models;
            await PollLockedAsync(scheduled: false, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Looks at every base path once and hands the wanted versions to the manager.</summary>
    public Task PollOnceAsync(CancellationToken cancellationToken) => PollAsync(scheduled: false, cancellationToken);

    private async Task PollAsync(bool scheduled, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await PollLockedAsync(scheduled, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Polls until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (pollInterval <= TimeSpan.Zero)
        {
            return;
        }

        using var timer = new PeriodicTimer(pollInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                await PollAsync(scheduled: true, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <param name="scheduled">A timer tick: models whose storage keeps failing wait out their backoff.</param>
    private async Task PollLockedAsync(bool scheduled, CancellationToken cancellationToken)
    {
        foreach (var model in _models)
        {
            if (scheduled && _retries.TryGetValue(model.Name, out var retry) && DateTime.UtcNow < retry.RetryAt)
            {
                continue;
            }

            try
            {
                if (await PollModelAsync(model, cancellationToken).ConfigureAwait(false))
                {
                    _retries.Remove(model.Name);
                    manager.ClearSourceError(model.Name);
                }
            }
            catch (ModelStorageException ex)
            {
                // The manager keeps what it has: a base path that fails for a while must not unload a model.
                // The status says why (TF Serving only logs it), until a listing succeeds.
                manager.SetSourceError(model.Name, ex.Code, $"Could not list base path {model.BasePath}: {ex.Message}; retrying");
                logger.LogError(
                    "Could not list base path {BasePath} for servable {Model}: {Error}; trying again in {RetrySeconds} s",
                    model.BasePath,
                    model.Name,
                    ex.Message,
                    Backoff(model.Name).TotalSeconds);
            }
        }
    }

    // Doubles the wait after each failure in a row, from one poll interval up to five minutes.
    private TimeSpan Backoff(string model)
    {
        var failures = _retries.TryGetValue(model, out var retry) ? retry.Failures + 1 : 1;
        var interval = pollInterval > TimeSpan.Zero ? pollInterval : TimeSpan.FromSeconds(1);
        var delay = TimeSpan.FromTicks(Math.Min(interval.Ticks << Math.Min(failures - 1, 16), TimeSpan.FromMinutes(5).Ticks));
        _retries[model] = (failures, DateTime.UtcNow + delay);
        return delay;
    }

    /// <summary>Lists one model and offers its versions; false when a version could not be fetched.</summary>
    private async Task<bool> PollModelAsync(ModelSourceConfig model, CancellationToken cancellationToken)
    {
        if (!_storageByModel.TryGetValue(model.Name, out var storage))
        {
            storage = _storages.Create(model.Name, model.BasePath);
            _storageByModel[model.Name] = storage;
        }

        var found = await storage.ListVersionsAsync(cancellationToken).ConfigureAwait(false);
        var firstPoll = _polledModels.Add(model.Name);
        if (found.Count == 0)
        {
            logger.LogWarning(
                "No versions of servable {Model} found under base path {BasePath}. Did you forget to name your leaf directory as a number (eg. '/1/')?",
                model.Name,
                model.BasePath);
        }

        var ready = new List<StoredVersion>(found.Count);
        foreach (var listed in found)
        {
            var version = listed;
            var key = (model.Name, version.Version);
            var fingerprint = version.Fingerprint;
            if (fingerprint is null)
            {
                // An unreadable folder (a symlink loop, a file without read permission) settles like any
                // other: once it has stayed unreadable in the same way, it is offered, its load fails with
                // the reason in its status, and fixing the files changes the digest so it is tried again.
                logger.LogWarning("Cannot read version folder {Path} of servable {Model}: {Error}", version.Location, model.Name, version.ReadError);
                fingerprint = "unreadable: " + version.ReadError;
                version = version with { Fingerprint = fingerprint };
            }

            // Unchanged across polls is not enough: a config reload polls at once, a few milliseconds after
            // the last poll, and a copy may write nothing in between. The contents must stay unchanged for
            // (nearly) a whole poll interval.
            var now = DateTime.UtcNow;
            var unchanged = _lastSeen.TryGetValue(key, out var last) && last.Fingerprint == fingerprint;
            var settled = firstPoll || (unchanged && now - last.Since >= SettleTime);
            if (!unchanged)
            {
                _lastSeen[key] = (fingerprint, now);
            }
            if (settled)
            {
                _offered[key] = version;
                ready.Add(version);
            }
            else if (_offered.TryGetValue(key, out var previous))
            {
                // Files of an offered version are changing: keep offering it as it was until they settle.
                ready.Add(previous);
            }
            else
            {
                logger.LogInformation("Version folder {Path} of servable {Model} is still changing; waiting for it to settle", version.Location, model.Name);
            }
        }

        foreach (var gone in _lastSeen.Keys.Where(k => k.Model == model.Name && found.All(f => f.Version != k.Version)).ToList())
        {
            _lastSeen.Remove(gone);
            _offered.Remove(gone);
        }

        var byVersion = ready.ToDictionary(v => v.Version);
        var chosen = model.Policy.Choose(model.Name, ready.Select(v => new AspiredVersion(v.Version, v.Location, v.Fingerprint)).ToList());
        var aspired = new List<AspiredVersion>(chosen.Count);
        foreach (var version in chosen)
        {
            var stored = byVersion[version.Version];
            string path;
            try
            {
                path = await storage.MaterializeAsync(stored, cancellationToken).ConfigureAwait(false);
            }
            catch (ModelStorageException ex)
            {
                // Offer nothing new this poll, so the versions being served stay; the next poll retries.
                manager.SetSourceError(model.Name, ex.Code, $"Could not fetch version {version.Version} from {model.BasePath}: {ex.Message}; retrying");
                logger.LogError(
                    "Could not fetch version {Version} of servable {Model} from {BasePath}: {Error}; trying again in {RetrySeconds} s",
                    version.Version,
                    model.Name,
                    model.BasePath,
                    ex.Message,
                    Backoff(model.Name).TotalSeconds);
                return false;
            }

            _localPaths[(model.Name, version.Version)] = path;
            aspired.Add(version with { Path = path });
        }

        manager.SetAspiredVersions(model.Name, model.Platform, aspired);
        RemoveUnusedCopies(model.Name, storage, aspired);
        return true;
    }

    // A copy stays while it is offered or while the manager still holds a version loaded from it.
    private void RemoveUnusedCopies(string model, IModelStorage storage, IReadOnlyList<AspiredVersion> aspired)
    {
        var keep = aspired.Select(a => a.Path).ToHashSet(StringComparer.Ordinal);
        foreach (var status in manager.GetVersionStatuses(model))
        {
            if (status.State != ServableState.End && _localPaths.TryGetValue((model, status.Version), out var path))
            {
                keep.Add(path);
            }
        }

        foreach (var key in _localPaths.Keys.Where(k => k.Model == model && !keep.Contains(_localPaths[k])).ToList())
        {
            _localPaths.Remove(key);
        }

        storage.RemoveCopiesExcept(keep);
    }

    private void Forget(string model)
    {
        manager.ClearSourceError(model);
        _polledModels.Remove(model);
        _retries.Remove(model);
        if (_storageByModel.Remove(model, out var storage))
        {
            storage.RemoveCopiesExcept(new HashSet<string>());
        }

        foreach (var key in _lastSeen.Keys.Where(k => k.Model == model).ToList())
        {
            _lastSeen.Remove(key);
        }

        foreach (var key in _offered.Keys.Where(k => k.Model == model).ToList())
        {
            _offered.Remove(key);
        }

        foreach (var key in _localPaths.Keys.Where(k => k.Model == model).ToList())
        {
            _localPaths.Remove(key);
        }
    }
}
