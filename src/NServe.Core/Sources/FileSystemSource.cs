using Microsoft.Extensions.Logging;
using NServe.Core.Management;

namespace NServe.Core.Sources;

/// <summary>
/// Watches each model's base path for numeric version folders and tells the manager which versions to
/// serve (TF Serving's FileSystemStoragePathSource). Polls every <c>--file_system_poll_wait_seconds</c>;
/// 0 or less polls only when asked. A version folder that appears while the server runs is offered only
/// once its files are unchanged between two polls, so a folder still being copied is never loaded; the
/// folders present at a model's first poll are offered at once.
/// </summary>
public sealed class FileSystemSource(ServableManager manager, TimeSpan pollInterval, ILogger<FileSystemSource> logger)
{
    private readonly Lock _gate = new();
    private IReadOnlyList<ModelSourceConfig> _models = [];
    private readonly HashSet<string> _polledModels = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Model, long Version), string> _lastSeen = [];
    private readonly Dictionary<(string Model, long Version), string> _offered = [];

    public IReadOnlyList<ModelSourceConfig> Models
    {
        get
        {
            lock (_gate)
            {
                return _models;
            }
        }
    }

    /// <summary>
    /// Replaces the watched models and polls them. Models left out are told they want no versions, so the
    /// manager unloads them.
    /// </summary>
    public void SetModels(IReadOnlyList<ModelSourceConfig> models)
    {
        lock (_gate)
        {
            foreach (var removed in _models.Where(old => models.All(m => m.Name != old.Name)))
            {
                manager.SetAspiredVersions(removed.Name, removed.Platform, []);
                _polledModels.Remove(removed.Name);
                Forget(removed.Name);
            }

            // A model whose base path changed starts over: its folders are new to us.
            foreach (var changed in models.Where(m => _models.Any(old => old.Name == m.Name && old.BasePath != m.BasePath)))
            {
                _polledModels.Remove(changed.Name);
                Forget(changed.Name);
            }

            _models = models;
            PollLocked();
        }
    }

    /// <summary>Looks at every base path once and hands the wanted versions to the manager.</summary>
    public void PollOnce()
    {
        lock (_gate)
        {
            PollLocked();
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
                PollOnce();
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void PollLocked()
    {
        foreach (var model in _models)
        {
            try
            {
                PollModel(model);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // The manager keeps what it has: a base path that fails for a moment must not unload a model.
                logger.LogError("Could not list base path {BasePath} for servable {Model}: {Error}", model.BasePath, model.Name, ex.Message);
            }
        }
    }

    private void PollModel(ModelSourceConfig model)
    {
        if (!Directory.Exists(model.BasePath))
        {
            logger.LogError("Could not find base path {BasePath} for servable {Model}", model.BasePath, model.Name);
            return;
        }

        var firstPoll = _polledModels.Add(model.Name);
        var found = VersionFolders.List(model.BasePath);
        if (found.Count == 0)
        {
            logger.LogWarning(
                "No versions of servable {Model} found under base path {BasePath}. Did you forget to name your leaf directory as a number (eg. '/1/')?",
                model.Name,
                model.BasePath);
        }

        var ready = new List<AspiredVersion>(found.Count);
        foreach (var version in found)
        {
            var key = (model.Name, version.Version);
            string fingerprint;
            try
            {
                fingerprint = FolderFingerprint.Compute(version.Path);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                logger.LogWarning("Cannot read version folder {Path} of servable {Model}: {Error}", version.Path, model.Name, ex.Message);
                if (_offered.TryGetValue(key, out var previous))
                {
                    ready.Add(version with { Fingerprint = previous });
                }

                continue;
            }

            var settled = firstPoll || (_lastSeen.TryGetValue(key, out var last) && last == fingerprint);
            _lastSeen[key] = fingerprint;
            if (settled)
            {
                _offered[key] = fingerprint;
                ready.Add(version with { Fingerprint = fingerprint });
            }
            else if (_offered.TryGetValue(key, out var previous))
            {
                // Files of an offered version are changing: keep offering it as it was until they settle.
                ready.Add(version with { Fingerprint = previous });
            }
            else
            {
                logger.LogInformation("Version folder {Path} of servable {Model} is still changing; waiting for it to settle", version.Path, model.Name);
            }
        }

        foreach (var gone in _lastSeen.Keys.Where(k => k.Model == model.Name && found.All(f => f.Version != k.Version)).ToList())
        {
            _lastSeen.Remove(gone);
            _offered.Remove(gone);
        }

        manager.SetAspiredVersions(model.Name, model.Platform, model.Policy.Choose(model.Name, ready));
    }

    private void Forget(string model)
    {
        foreach (var key in _lastSeen.Keys.Where(k => k.Model == model).ToList())
        {
            _lastSeen.Remove(key);
        }

        foreach (var key in _offered.Keys.Where(k => k.Model == model).ToList())
        {
            _offered.Remove(key);
        }
    }
}
