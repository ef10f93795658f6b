using Microsoft.Extensions.Logging;

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

    /// <summary>
    /// Whether ORT's pool threads spin after a run waiting for the next (ORT's default) instead of sleeping.
    /// Spinning takes cores away from request threads and batch threads on a busy host.
    /// </summary>
    public bool AllowSpinning { get; init; } = true;

    /// <summary><c>--device</c>: the CPU (default) or a CUDA device (GPU build only; docs/gpu.md).</summary>
    public ExecutionDevice Device { get; init; }

    /// <summary>The CUDA provider's options; used only when <see cref="Device"/> is a CUDA device.</summary>
    public CudaProviderSettings Cuda { get; init; } = CudaProviderSettings.Default;

    /// <summary><c>--num_gpu_instances</c>: sessions per model on the GPU (round-robin); the CPU always has one.</summary>
    public int GpuInstancesPerModel { get; init; } = 1;

    /// <summary>Where each model's provider and node placement are logged at load; null logs nothing.</summary>
    public ILogger? Logger { get; init; }

    /// <summary>Sessions each model gets: <see cref="GpuInstancesPerModel"/> on a GPU, else one.</summary>
    public int SessionsPerModel => Device.IsCuda ? Math.Max(1, GpuInstancesPerModel) : 1;

    public static OnnxRuntimeOptions Default { get; } = new();
}
