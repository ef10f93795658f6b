using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace NServe.Onnx;

/// <summary>Where sessions run: the CPU, or CUDA device <see cref="DeviceId"/> (<c>--device=cpu|cuda[:N]</c>).</summary>
public readonly record struct ExecutionDevice(ExecutionDeviceKind Kind, int DeviceId)
{
    public const string CpuProviderName = "CPUExecutionProvider";
    public const string CudaProviderName = "CUDAExecutionProvider";

    public static ExecutionDevice Cpu => default;

    public bool IsCuda => Kind == ExecutionDeviceKind.Cuda;

    /// <summary>The name ORT gives the provider that runs on this device.</summary>
    public string ProviderName => IsCuda ? CudaProviderName : CpuProviderName;

    public static ExecutionDevice Cuda(int deviceId)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(deviceId);
        return new ExecutionDevice(ExecutionDeviceKind.Cuda, deviceId);
    }

    /// <summary>Parses <c>cpu</c>, <c>cuda</c> (device 0) or <c>cuda:N</c>; the error names the text and the accepted forms.</summary>
    public static bool TryParse(string text, out ExecutionDevice device, [NotNullWhen(false)] out string? error)
    {
        device = Cpu;
        error = null;
        if (text == "cpu")
        {
            return true;
        }

        if (text == "cuda")
        {
            device = Cuda(0);
            return true;
        }

        const string prefix = "cuda:";
        if (text.StartsWith(prefix, StringComparison.Ordinal)
            && text.Length > prefix.Length
            && text.AsSpan(prefix.Length).IndexOfAnyExceptInRange('0', '9') < 0
            && int.TryParse(text.AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            device = Cuda(id);
            return true;
        }

        error = $"--device={text} is not a device: expected cpu, cuda or cuda:N where N is a GPU index (0, 1, ...).";
        return false;
    }

    public override string ToString() => IsCuda ? $"cuda:{DeviceId}" : "cpu";
}
