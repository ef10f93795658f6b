namespace NServe.Onnx.Tests.Gpu;

public class GpuExecutionDeviceTests
{
    [Theory]
    [InlineData("cpu", ExecutionDeviceKind.Cpu, 0, "cpu")]
    [InlineData("cuda", ExecutionDeviceKind.Cuda, 0, "cuda:0")]
    [InlineData("cuda:0", ExecutionDeviceKind.Cuda, 0, "cuda:0")]
    [InlineData("cuda:3", ExecutionDeviceKind.Cuda, 3, "cuda:3")]
    [InlineData("cuda:12", ExecutionDeviceKind.Cuda, 12, "cuda:12")]
    public void Accepted_devices_parse_to_their_kind_and_index(string text, ExecutionDeviceKind kind, int id, string shown)
    {
        Assert.True(ExecutionDevice.TryParse(text, out var device, out var error), error);
        Assert.Equal(kind, device.Kind);
        Assert.Equal(id, device.DeviceId);
        Assert.Equal(shown, device.ToString());
    }

    [Theory]
    [InlineData("cuda:x")]
    [InlineData("cuda:")]
    [InlineData("cuda:-1")]
    [InlineData("cuda:+1")]
    [InlineData("cuda:1x")]
    [InlineData("cuda:99999999999")]
    [InlineData("CUDA")]
    [InlineData("gpu")]
    [InlineData(" cpu")]
    [InlineData("")]
    public void Anything_else_is_an_error_that_names_the_text_and_the_accepted_forms(string text)
    {
        Assert.False(ExecutionDevice.TryParse(text, out _, out var error));
        Assert.Contains($"--device={text} ", error, StringComparison.Ordinal);
        Assert.Contains("cpu, cuda or cuda:N", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Each_device_names_the_provider_ORT_runs_it_with()
    {
        Assert.Equal("CPUExecutionProvider", ExecutionDevice.Cpu.ProviderName);
        Assert.Equal("CUDAExecutionProvider", ExecutionDevice.Cuda(1).ProviderName);
        Assert.Throws<ArgumentOutOfRangeException>(() => ExecutionDevice.Cuda(-1));
    }

    [Fact]
    public void Sessions_per_model_follow_num_gpu_instances_only_on_a_gpu()
    {
        Assert.Equal(1, new OnnxRuntimeOptions { GpuInstancesPerModel = 4 }.SessionsPerModel);
        Assert.Equal(4, new OnnxRuntimeOptions { Device = ExecutionDevice.Cuda(0), GpuInstancesPerModel = 4 }.SessionsPerModel);
        Assert.Equal(1, new OnnxRuntimeOptions { Device = ExecutionDevice.Cuda(0), GpuInstancesPerModel = 0 }.SessionsPerModel);
    }
}
