using Microsoft.ML.OnnxRuntime;

namespace NServe.Onnx;

/// <summary>
/// The process-wide ORT environment. ORT allows one per process and it must exist before the first
/// session, so every session NServe creates goes through <see cref="OnnxSessionFactory"/>, which touches
/// this first.
/// </summary>
internal static class OnnxRuntimeEnvironment
{
    private static readonly Lazy<OrtEnv> Env = new(Create, LazyThreadSafetyMode.ExecutionAndPublication);

    public static OrtEnv Instance => Env.Value;

    private static OrtEnv Create()
    {
        if (OrtEnv.IsCreated)
        {
            // Someone in this process (a test host, an embedding app) made it already; share it.
            return OrtEnv.Instance();
        }

        var options = new EnvironmentCreationOptions
        {
            logId = "nserve",
            logLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING,
            loggingFunction = OrtLogSink.Function,
        };
        var env = OrtEnv.CreateInstanceWithOptions(ref options);
        OrtLogSink.IsInstalled = true;
        return env;
    }
}
