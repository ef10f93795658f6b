using Microsoft.Extensions.Logging;
using NServe.Core.Management;

namespace NServe.Core.Sources;

/// <summary>
/// Watches each model's base path for numeric version folders and tells the manager which versions to
/// serve (TF Serving's FileSystemStoragePathSource). Polls every <c>--file_system_poll_wait_seconds</c>;
/// 0 polls once, a negative value never polls after the first.
/// </summary>
public sealed class FileSystemSource(
    ServableManager manager,
    IReadOnlyList<ModelSourceConfig> models,
    TimeSpan pollInterval,
    ILogger<FileSystemSource> logger)
{
    /// <summary>Looks at every base path once and hands the wanted versions to the manager.</summary>
    public void PollOnce()
    {
        foreach (var model in models)
        {
            if (!Directory.Exists(model.BasePath))
            {
                // The manager keeps what it has: a base path that vanishes for a moment must not unload a model.
                logger.LogError("Could not find base path {BasePath} for servable {Model}", model.BasePath, model.Name);
                continue;
            }

            IReadOnlyList<AspiredVersion> found;
            try
            {
                found = VersionFolders.List(model.BasePath);
            }
            catch (IOException ex)
            {
                logger.LogError("Could not list base path {BasePath} for servable {Model}: {Error}", model.BasePath, model.Name, ex.Message);
                continue;
            }
            catch (UnauthorizedAccessException ex)
            {
                logger.LogError("Could not list base path {BasePath} for servable {Model}: {Error}", model.BasePath, model.Name, ex.Message);
                continue;
            }

            if (found.Count == 0)
            {
                logger.LogWarning(
                    "No versions of servable {Model} found under base path {BasePath}. Did you forget to name your leaf directory as a number (eg. '/1/')?",
                    model.Name,
                    model.BasePath);
            }

            manager.SetAspiredVersions(model.Name, model.Platform, model.Policy.Choose(model.Name, found));
        }
    }

    /// <summary>Polls until cancelled (the first poll is the caller's <see cref="PollOnce"/>).</summary>
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
}
