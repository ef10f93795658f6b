using Microsoft.ML.OnnxRuntime;
using NServe.Core.Errors;
using NServe.Onnx.Building;
using OnnxDataType = Onnx.TensorProto.Types.DataType;

namespace NServe.Onnx;

/// <summary>
/// Checks at startup, before any model loads, that sessions can run on the chosen device, so that
/// <c>--device=cuda</c> on a machine or build that cannot do it stops the server with a message naming what
/// is missing, instead of failing every model or silently running on the CPU.
/// </summary>
public static class ExecutionDeviceCheck
{
    /// <summary>
    /// <paramref name="options"/> made ready for its device: for a CUDA device, checked step by step (provider in this
    /// build, libraries, driver and device, a tiny session that runs) and with <c>gpu_mem_limit</c> set from
    /// <paramref name="memoryFraction"/> of the device's memory. The CPU needs nothing.
    /// </summary>
    /// <exception cref="ServingException">FailedPrecondition: the device cannot be used; the message says why and what to do.</exception>
    public static OnnxRuntimeOptions Prepare(OnnxRuntimeOptions options, double memoryFraction, out CudaDeviceInfo? device)
    {
        device = null;
        if (!options.Device.IsCuda)
        {
            return options;
        }

        var name = options.Device.ToString();
        _ = OnnxRuntimeEnvironment.Instance;
        if (!HasCudaProvider())
        {
            throw ServingException.FailedPrecondition(NoCudaProviderMessage(name));
        }

        var missing = CudaLibraries.Missing([CudaDriver.LibraryName, .. CudaLibraries.Required]);
        if (missing.Count > 0)
        {
            throw ServingException.FailedPrecondition(
                $"--device={name}: the CUDA execution provider cannot start: {string.Join(", ", missing)} not found by the dynamic loader. " +
                "The GPU build needs the NVIDIA driver (libcuda.so.1) and the CUDA 13 runtime with cuBLAS, cuRAND and cuDNN 9 on the " +
                "library path (ldconfig or LD_LIBRARY_PATH), as in the image built from deploy/Dockerfile.gpu run with --gpus; see docs/gpu.md.");
        }

        if (!CudaDriver.TryQuery(options.Device.DeviceId, out device, out var driverError))
        {
            throw ServingException.FailedPrecondition($"--device={name}: {driverError}");
        }

        var prepared = options with
        {
            Cuda = options.Cuda with { GpuMemLimitBytes = CudaProviderSettings.MemoryLimitFor(memoryFraction, device.TotalMemoryBytes) },
        };
        RunProbeSession(prepared, name);
        return prepared;
    }

    /// <summary>True when this process's ONNX Runtime was built with the CUDA provider (the GPU build).</summary>
    public static bool HasCudaProvider() =>
        OnnxRuntimeEnvironment.Instance.GetAvailableProviders().Contains(ExecutionDevice.CudaProviderName, StringComparer.Ordinal);

    /// <summary>What <c>--device=cuda</c> says on the CPU build.</summary>
    public static string NoCudaProviderMessage(string device) =>
        $"--device={device}: this NServe build has no CUDA execution provider (it is built with the CPU-only ONNX Runtime package). " +
        "Use the GPU build: dotnet publish src/NServe.Server -c Release -p:NServeGpu=true, or the image built from deploy/Dockerfile.gpu; see docs/gpu.md.";

    /// <summary>Creates and runs a one-node session on the device: the provider loads, the device answers.</summary>
    private static void RunProbeSession(OnnxRuntimeOptions options, string name)
    {
        var model = new OnnxModelBuilder();
        model.Graph.AddInput("x", OnnxDataType.Float, [4]);
        model.Graph.AddNode("Add", ["x", "x"], ["y"]);
        model.Graph.AddOutput("y", OnnxDataType.Float, [4]);
        try
        {
            using var session = OnnxSessionFactory.FromBytes(model.Serialize(), options with { Logger = null });
            using var input = OrtValue.CreateTensorValueFromMemory(new float[] { 1, 2, 3, 4 }, [4]);
            using var runOptions = new RunOptions();
            using var outputs = session.Run(runOptions, ["x"], [input], ["y"]);
            var y = outputs[0].GetTensorDataAsSpan<float>();
            if (y.Length != 4 || y[3] != 8)
            {
                throw ServingException.FailedPrecondition($"--device={name}: a test computation on the device returned a wrong answer.");
            }
        }
        catch (OnnxRuntimeException e)
        {
            throw ServingException.FailedPrecondition($"--device={name}: ONNX Runtime cannot run a session on the device: {e.Message}");
        }
    }
}
