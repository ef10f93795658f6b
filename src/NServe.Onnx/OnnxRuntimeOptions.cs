namespace NServe.Onnx;

/// <summary>
/// How sessions run, bound from TF Serving's flags. Thread counts of 0 leave the choice to ONNX Runtime
/// (intra-op: one thread per physical core; inter-op: operators run one at a time).
/// </summary>
public sealed record OnnxRuntimeOptions
{
    /// <summary><c>--tensorflow_intra_op_parallelism</c>: threads that split the work of one operator.</summary>
    public int IntraOpThreads { get; init; }

    /// <summary>
    /// <c>--tensorflow_inter_op_parallelism</c>: threads that run independent operators at once. Above 1,
    /// sessions use ORT's parallel execution mode, the only one in which ORT uses an inter-op pool.
    /// </summary>
    public int InterOpThreads { get; init; }

    public static OnnxRuntimeOptions Default { get; } = new();
}
