using Microsoft.ML.OnnxRuntime;

namespace NServe.Onnx;

/// <summary>Creates ORT sessions with the server's options. Slow (graph optimisation): call it off the request path.</summary>
public static class OnnxSessionFactory
{
    /// <summary>Session options for <paramref name="options"/>: all graph optimisations, the configured threads.</summary>
    public static SessionOptions CreateSessionOptions(OnnxRuntimeOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(options.IntraOpThreads);
        ArgumentOutOfRangeException.ThrowIfNegative(options.InterOpThreads);
        _ = OnnxRuntimeEnvironment.Instance;

        var sessionOptions = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            IntraOpNumThreads = options.IntraOpThreads,
            LogId = "nserve",
        };
        if (options.InterOpThreads > 1)
        {
            sessionOptions.ExecutionMode = ExecutionMode.ORT_PARALLEL;
            sessionOptions.InterOpNumThreads = options.InterOpThreads;
        }

        return sessionOptions;
    }

    /// <summary>A session over a model file (external data is found next to it).</summary>
    public static InferenceSession FromFile(string modelPath, OnnxRuntimeOptions options)
    {
        using var sessionOptions = CreateSessionOptions(options);
        return new InferenceSession(modelPath, sessionOptions);
    }

    /// <summary>A session over a model held in memory (a converted TensorFlow model, a test model).</summary>
    public static InferenceSession FromBytes(byte[] model, OnnxRuntimeOptions options)
    {
        using var sessionOptions = CreateSessionOptions(options);
        return new InferenceSession(model, sessionOptions);
    }
}
