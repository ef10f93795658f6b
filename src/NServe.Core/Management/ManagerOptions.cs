using NServe.Core.Servables;

namespace NServe.Core.Management;

/// <summary>How the manager loads and unloads (TF Serving's load flags).</summary>
public sealed class ManagerOptions
{
    /// <summary><c>--num_load_threads</c>: versions loaded at once; TF Serving's 0 means one at a time, as here.</summary>
    public int NumLoadThreads { get; init; }

    /// <summary><c>--max_num_load_retries</c>: further tries after a load fails for a reason that may pass (I/O).</summary>
    public int MaxLoadRetries { get; init; } = 5;

    /// <summary><c>--load_retry_interval_micros</c>, as a time span.</summary>
    public TimeSpan LoadRetryInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Wraps each loaded version (its servable and folder), e.g. in server-side batching; the wrapper owns
    /// the servable it is given and disposes it when it throws. Null: served as loaded.
    /// </summary>
    public Func<IServable, string, IServable>? Decorate { get; init; }

    /// <summary>
    /// Runs on each loaded version (its servable and folder) before it becomes AVAILABLE, as TF Serving's
    /// warmup does; when it throws, the version goes to END with that error. Null: no warmup.
    /// </summary>
    public Func<IServable, string, CancellationToken, Task>? Warmup { get; init; }
}
