using NServe.Onnx;

namespace NServe.Server.Options;

public sealed partial class ServerOptions
{
    /// <summary>
    /// Checks <c>--device</c> and the flags that only apply to a CUDA device. Whether the device can really be
    /// used is checked when the server starts (<see cref="ExecutionDeviceCheck"/>).
    /// </summary>
    private void ValidateDevice(List<string> errors, List<string> warnings)
    {
        if (!ExecutionDevice.TryParse(Device, out var device, out var deviceError))
        {
            errors.Add(deviceError);
        }

        if (!CudaProviderSettings.TryParseConvAlgoSearch(CudnnConvAlgoSearch, out _, out var searchError))
        {
            errors.Add(searchError);
        }

        if (OrtThreadSpinning is not ("auto" or "on" or "off"))
        {
            errors.Add($"--ort_thread_spinning={OrtThreadSpinning}: expected auto, on or off.");
        }

        if (NumGpuInstances < 1)
        {
            errors.Add($"--num_gpu_instances={NumGpuInstances}: each model needs at least one session.");
        }

        if (device.IsCuda)
        {
            if (!(PerProcessGpuMemoryFraction is >= 0 and <= 1))
            {
                errors.Add($"--per_process_gpu_memory_fraction={PerProcessGpuMemoryFraction}: NServe takes a share of the device's memory between 0.0 and 1.0.");
            }

            return;
        }

        foreach (var (flag, isSet) in new[]
        {
            ("per_process_gpu_memory_fraction", PerProcessGpuMemoryFraction != 0),
            ("cudnn_conv_algo_search", CudnnConvAlgoSearch != "exhaustive"),
            ("num_gpu_instances", NumGpuInstances != 1),
        })
        {
            if (isSet)
            {
                warnings.Add($"--{flag} applies only with --device=cuda; models run on the CPU, so it has no effect.");
            }
        }
    }
}
