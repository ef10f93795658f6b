namespace NServe.Onnx;

/// <summary>Which ONNX Runtime execution provider runs the models.</summary>
public enum ExecutionDeviceKind
{
    /// <summary>ORT's CPU provider (every build has it).</summary>
    Cpu,

    /// <summary>ORT's CUDA provider on one NVIDIA GPU (only the GPU build has it; docs/gpu.md).</summary>
    Cuda,
}
