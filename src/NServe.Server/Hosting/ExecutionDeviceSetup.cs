using Microsoft.Extensions.Logging;
using NServe.Core.Errors;
using NServe.Onnx;
using NServe.Server.Options;

namespace NServe.Server.Hosting;

/// <summary>Binds <c>--device</c> and the CUDA flags to the runtime options and checks the device before models load.</summary>
internal static class ExecutionDeviceSetup
{
    /// <summary><paramref name="runtime"/> set up for <c>--device</c>, checked to work there.</summary>
    /// <exception cref="ServingException">The device cannot be used; the message says what is missing.</exception>
    public static OnnxRuntimeOptions Prepare(ServerOptions options, OnnxRuntimeOptions runtime, ILoggerFactory loggerFactory)
    {
        // The flags were validated before the server started; these only fail when called without that.
        if (!ExecutionDevice.TryParse(options.Device, out var device, out var deviceError))
        {
            throw ServingException.InvalidArgument(deviceError);
        }

        if (!CudaProviderSettings.TryParseConvAlgoSearch(options.CudnnConvAlgoSearch, out var search, out var searchError))
        {
            throw ServingException.InvalidArgument(searchError);
        }

        var logger = loggerFactory.CreateLogger("NServe.Onnx");
        var configured = runtime with
        {
            Device = device,
            Cuda = runtime.Cuda with { ConvAlgoSearch = search },
            GpuInstancesPerModel = options.NumGpuInstances,
            Logger = logger,
        };
        var prepared = ExecutionDeviceCheck.Prepare(configured, options.PerProcessGpuMemoryFraction, out var cuda);
        if (cuda is not null)
        {
            logger.LogInformation(
                "Models run on {Device} with ONNX Runtime's CUDA provider: gpu_mem_limit {Limit}, arena_extend_strategy {Arena}, cudnn_conv_algo_search {Search}, {Sessions} session(s) per model",
                cuda, prepared.Cuda.GpuMemLimitBytes == 0 ? "none" : $"{prepared.Cuda.GpuMemLimitBytes} bytes",
                CudaProviderSettings.ArenaExtendStrategy, search, prepared.SessionsPerModel);
        }

        return prepared;
    }
}
