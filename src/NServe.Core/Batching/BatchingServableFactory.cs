using NServe.Core.Errors;
using NServe.Core.Servables;

namespace NServe.Core.Batching;

/// <summary>
/// The server's batching: one <see cref="BatchScheduler"/> and the rule for which loaded versions are
/// wrapped with which options (TF Serving's --enable_batching, --batching_parameters_file and
/// --enable_per_model_batching_parameters). <see cref="Decorate"/> is meant to run on every version the
/// manager loads; <see cref="ApplyChangedParameters"/> applies edited parameter files to the versions served.
/// </summary>
public sealed class BatchingServableFactory : IDisposable
{
    /// <summary>The per-model parameters file TF Serving reads from a version folder.</summary>
    public const string PerModelParametersFileName = "batching_params.pbtxt";

    private readonly bool _perModelParameters;

    /// <summary>The versions this factory wrapped, for <see cref="ApplyChangedParameters"/>; pruned as they go.</summary>
    private readonly List<(WeakReference<BatchingServable> Servable, string Path)> _live = [];

    /// <summary>
    /// Starts the shared scheduler with <paramref name="serverOptions"/>' thread settings. Without per-model
    /// parameters the same options batch every model and are checked now, so bad ones stop the server at start.
    /// </summary>
    public BatchingServableFactory(BatchingOptions serverOptions, bool perModelParameters, IBatchObserver? observer = null)
    {
        ArgumentNullException.ThrowIfNull(serverOptions);
        if (!perModelParameters)
        {
            serverOptions.ValidateQueueOptions();
        }

        ServerOptions = serverOptions;
        _perModelParameters = perModelParameters;
        Scheduler = new BatchScheduler(serverOptions, observer);
    }

    public BatchScheduler Scheduler { get; }

    /// <summary>The options from --batching_parameters_file (or the defaults).</summary>
    public BatchingOptions ServerOptions { get; }

    /// <summary>
    /// The options for the server flags: the file's, or TF's defaults with the model server's pool name
    /// when no file is given.
    /// </summary>
    public static BatchingOptions ReadServerOptions(string batchingParametersFile) =>
        string.IsNullOrEmpty(batchingParametersFile)
            ? new BatchingOptions { ThreadPoolName = BatchingOptions.ModelServerThreadPoolName }
            : BatchingOptions.Load(batchingParametersFile);

    /// <summary>Wraps <paramref name="servable"/> (owned by the result from now on) with <paramref name="options"/>.</summary>
    public BatchingServable Wrap(IServable servable, BatchingOptions options) => new(servable, Scheduler, options);

    /// <summary>
    /// Re-reads the parameters (the server's <paramref name="batchingParametersFile"/>, or each batched version's
    /// <c>batching_params.pbtxt</c>) and applies changed ones to the versions being served, so a config reload
    /// picks up an edited file (TF Serving needs a restart: serving#2008). A file that cannot be read or that
    /// TF would refuse leaves that version's options as they were; its error is returned. Returns how many
    /// versions changed. Versions served unbatched stay unbatched until their next load.
    /// </summary>
    public (int Changed, IReadOnlyList<string> Errors) ApplyChangedParameters(string batchingParametersFile)
    {
        var errors = new List<string>();
        BatchingOptions? serverOptions = null;
        if (!_perModelParameters)
        {
            try
            {
                serverOptions = ReadServerOptions(batchingParametersFile);
            }
            catch (ServingException e)
            {
                return (0, [e.Message]);
            }
        }

        var live = new List<(BatchingServable Servable, string Path)>();
        lock (_live)
        {
            _live.RemoveAll(entry => !entry.Servable.TryGetTarget(out var servable) || servable.IsDisposed);
            foreach (var (weak, path) in _live)
            {
                if (weak.TryGetTarget(out var servable))
                {
                    live.Add((servable, path));
                }
            }
        }

        var changed = 0;
        foreach (var (servable, path) in live)
        {
            try
            {
                var options = serverOptions ?? BatchingOptions.Load(Path.Combine(path, PerModelParametersFileName));
                if (servable.UpdateOptions(options))
                {
                    changed++;
                }
            }
            catch (ServingException e)
            {
                errors.Add($"{servable.Id}: {e.Message}");
            }
        }

        return (changed, errors);
    }

    /// <summary>
    /// The servable to publish for a version loaded from <paramref name="versionPath"/>: wrapped with the
    /// server's options, or with the version's own <c>batching_params.pbtxt</c> under per-model parameters
    /// (a version without that file is served unbatched, as in TF Serving). On a bad parameters file it
    /// disposes <paramref name="servable"/> and throws InvalidArgument, failing the load.
    /// </summary>
    public IServable Decorate(IServable servable, string versionPath)
    {
        ArgumentNullException.ThrowIfNull(servable);
        try
        {
            var options = ServerOptions;
            if (_perModelParameters)
            {
                var file = Path.Combine(versionPath, PerModelParametersFileName);
                if (!File.Exists(file))
                {
                    return servable;
                }

                options = BatchingOptions.Load(file);
            }

            var batched = Wrap(servable, options);
            lock (_live)
            {
                _live.Add((new WeakReference<BatchingServable>(batched), versionPath));
            }

            return batched;
        }
        catch
        {
            servable.Dispose();
            throw;
        }
    }

    /// <summary>Stops the batch threads; dispose the batched servables first.</summary>
    public void Dispose() => Scheduler.Dispose();
}
