using System.Diagnostics;
using NServe.Core.Errors;
using NServe.Core.Servables;

namespace NServe.Server.Metrics;

/// <summary>
/// A loader that times every load of the loader it wraps and counts the ones that fail, for
/// <see cref="ModelMetrics"/>; loading itself is unchanged.
/// </summary>
public sealed class MeasuredServableLoader(IServableLoader inner, ModelMetrics metrics) : IServableLoader
{
    public string Platform => inner.Platform;

    public bool CanLoad(string versionPath) => inner.CanLoad(versionPath);

    public async Task<IServable> LoadAsync(ServableId id, string versionPath, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var servable = await inner.LoadAsync(id, versionPath, cancellationToken).ConfigureAwait(false);
            metrics.RecordLoaded(id.Name, Stopwatch.GetElapsedTime(started));
            return servable;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down is not a failed load.
            throw;
        }
        catch (Exception ex)
        {
            metrics.RecordLoadFailure(id.Name, ex is ServingException serving ? serving.Code : StatusCode.Unknown);
            throw;
        }
    }

    /// <summary>Each of <paramref name="loaders"/>, measured.</summary>
    public static IServableLoader[] Wrap(IEnumerable<IServableLoader> loaders, ModelMetrics metrics) =>
        [.. loaders.Select(loader => new MeasuredServableLoader(loader, metrics))];
}
