namespace NServe.Onnx;

/// <summary>One CUDA device as the NVIDIA driver reports it.</summary>
public sealed record CudaDeviceInfo(int DeviceId, string Name, long TotalMemoryBytes)
{
    public override string ToString() => $"cuda:{DeviceId} ({Name}, {TotalMemoryBytes / (1024 * 1024)} MiB)";
}
