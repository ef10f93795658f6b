using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using NServe.Core.Errors;

namespace NServe.Onnx.Tests.Gpu;

/// <summary>
/// The startup check on this test run's build of ORT. CI runs the CPU build, where CUDA must be refused with
/// directions to the GPU build; run against the GPU build on a machine without a GPU it must name what is missing.
/// </summary>
public class GpuDeviceCheckTests
{
    [Fact]
    public void The_cpu_needs_no_check_and_keeps_its_options()
    {
        var options = new OnnxRuntimeOptions { IntraOpThreads = 2 };

        var prepared = ExecutionDeviceCheck.Prepare(options, 0.5, out var device);

        Assert.Same(options, prepared);
        Assert.Null(device);
    }

    [Fact]
    public void Cuda_on_the_cpu_build_is_refused_with_directions_to_the_gpu_build()
    {
        if (ExecutionDeviceCheck.HasCudaProvider())
        {
            // The GPU build: the next test covers it.
            Assert.True(ExecutionDeviceCheck.HasCudaProvider());
            return;
        }

        var error = Assert.Throws<ServingException>(() =>
            ExecutionDeviceCheck.Prepare(new OnnxRuntimeOptions { Device = ExecutionDevice.Cuda(1) }, 0, out _));

        Assert.Equal(StatusCode.FailedPrecondition, error.Code);
        Assert.Equal(ExecutionDeviceCheck.NoCudaProviderMessage("cuda:1"), error.Message);
        Assert.Contains("--device=cuda:1: this NServe build has no CUDA execution provider", error.Message, StringComparison.Ordinal);
        Assert.Contains("-p:NServeGpu=true", error.Message, StringComparison.Ordinal);
        Assert.Contains("deploy/Dockerfile.gpu", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Cuda_on_the_gpu_build_without_a_usable_gpu_names_what_is_missing()
    {
        if (!ExecutionDeviceCheck.HasCudaProvider())
        {
            // The CPU build: ORT itself refuses the provider, which is why the check looks first.
            var ortError = Assert.Throws<OnnxRuntimeException>(() =>
                OnnxSessionFactory.CreateSessionOptions(new OnnxRuntimeOptions { Device = ExecutionDevice.Cuda(0) }).Dispose());
            Assert.Contains("CUDA execution provider is not enabled in this build", ortError.Message, StringComparison.Ordinal);
            return;
        }

        var missing = CudaLibraries.Missing([CudaDriver.LibraryName, .. CudaLibraries.Required]);
        if (missing.Count == 0 && CudaDriver.TryQuery(0, out _, out _))
        {
            // A machine with a working GPU: the check must pass there.
            ExecutionDeviceCheck.Prepare(new OnnxRuntimeOptions { Device = ExecutionDevice.Cuda(0) }, 0, out var device);
            Assert.NotNull(device);
            return;
        }

        var error = Assert.Throws<ServingException>(() =>
            ExecutionDeviceCheck.Prepare(new OnnxRuntimeOptions { Device = ExecutionDevice.Cuda(0) }, 0, out _));
        Assert.Equal(StatusCode.FailedPrecondition, error.Code);
        Assert.StartsWith("--device=cuda:0: ", error.Message, StringComparison.Ordinal);
        Assert.All(missing, library => Assert.Contains(library, error.Message, StringComparison.Ordinal));
    }

    [Fact]
    public void Missing_libraries_are_listed_in_order_and_present_ones_are_not()
    {
        var missing = CudaLibraries.Missing(["libnserve-absent-a.so.1", "libc.so.6", "libnserve-absent-b.so.2"]);

        Assert.Equal(["libnserve-absent-a.so.1", "libnserve-absent-b.so.2"], missing);
    }

    [Fact]
    public void The_required_libraries_are_the_cuda_13_runtime_and_cudnn_9()
    {
        Assert.Equal(["libcudart.so.13", "libcublas.so.13", "libcublasLt.so.13", "libcurand.so.10", "libcudnn.so.9"], CudaLibraries.Required);
    }

    [Fact]
    public void Without_the_nvidia_driver_the_query_says_so()
    {
        if (NativeLibrary.TryLoad(CudaDriver.LibraryName, out var driver))
        {
            NativeLibrary.Free(driver);

            // A machine with the driver: an answer or a driver error, never both or neither.
            var found = CudaDriver.TryQuery(0, out var info, out var driverError);
            Assert.True(found ? info is not null && driverError is null : info is null && driverError!.Length > 0);
            return;
        }

        Assert.False(CudaDriver.TryQuery(0, out var none, out var error));
        Assert.Null(none);
        Assert.Contains("libcuda.so.1 (the NVIDIA driver) was not found", error, StringComparison.Ordinal);
    }
}
