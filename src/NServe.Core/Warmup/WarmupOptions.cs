using NServe.Core.Servables;
using Tensorflow.Serving;

namespace NServe.Core.Warmup;

/// <summary>How warmup replays a version's recorded requests (TF Serving's ModelWarmupOptions).</summary>
public sealed class WarmupOptions
{
    /// <summary>
    /// <c>--num_request_iterations_for_warmup</c>: times each record is replayed; 0 or less means once, as
    /// TF Serving uses the flag only when it is positive.
    /// </summary>
    public int NumRequestIterations { get; init; }

    /// <summary>Runs a recorded classify request; null while the server cannot classify (the record is skipped).</summary>
    public Func<IServable, ClassificationRequest, CancellationToken, Task>? Classify { get; init; }

    /// <summary>Runs a recorded regress request; null while the server cannot regress (the record is skipped).</summary>
    public Func<IServable, RegressionRequest, CancellationToken, Task>? Regress { get; init; }

    /// <summary>Runs a recorded multi-inference request; null while the server cannot (the record is skipped).</summary>
    public Func<IServable, MultiInferenceRequest, CancellationToken, Task>? MultiInference { get; init; }

    internal int Iterations => Math.Max(1, NumRequestIterations);
}
