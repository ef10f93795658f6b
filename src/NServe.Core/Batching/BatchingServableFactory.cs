using NServe.Core.Servables;

namespace NServe.Core.Batching;

/// <summary>
/// The server's batching: one <see cref="BatchScheduler"/> and the rule for which loaded versions are
/// wrapped with which options (TF Serving's --enable_batching, --batching_parameters_file and
/// --enable_per_model_batching_parameters). <see cref="Decorate"/> is meant to run on every version the
/// manager loads, so a changed <c>batching_params.pbtxt</c> applies to the next version loaded.
/// </summary>
public sealed class BatchingServableFactory : IDisposable
{
    /// <summary>The per-model parameters file TF Serving reads from a version folder.</summary>
    public const string PerModelParametersFileName = "batching_params.pbtxt";

    private readonly bool _perModelParameters;

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

            return Wrap(servable, options);
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
