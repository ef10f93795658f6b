using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;

namespace NServe.Onnx;

/// <summary>Creates ORT sessions with the server's options. Slow (graph optimisation): call it off the request path.</summary>
public static class OnnxSessionFactory
{
    /// <summary>
    /// Session options for <paramref name="options"/>: all graph optimisations, the configured threads, and the
    /// CUDA provider when the device is a GPU (ORT then runs on the CPU only the nodes CUDA has no kernel for).
    /// </summary>
    /// <exception cref="OnnxRuntimeException">The CUDA provider cannot be created (CPU build, missing libraries).</exception>
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
        try
        {
            if (!options.AllowSpinning)
            {
                sessionOptions.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
                sessionOptions.AddSessionConfigEntry("session.inter_op.allow_spinning", "0");
            }

            if (options.InterOpThreads > 1)
            {
                sessionOptions.ExecutionMode = ExecutionMode.ORT_PARALLEL;
                sessionOptions.InterOpNumThreads = options.InterOpThreads;
            }

            if (options.Device.IsCuda)
            {
                using var cuda = new OrtCUDAProviderOptions();
                cuda.UpdateOptions(options.Cuda.ToProviderOptions(options.Device.DeviceId));
                sessionOptions.AppendExecutionProvider_CUDA(cuda);
            }

            return sessionOptions;
        }
        catch
        {
            sessionOptions.Dispose();
            throw;
        }
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

    /// <summary><see cref="OnnxRuntimeOptions.SessionsPerModel"/> sessions over a model file; <paramref name="subject"/> names it in the log.</summary>
    public static OnnxSessionGroup GroupFromFile(string modelPath, OnnxRuntimeOptions options, string subject) =>
        CreateGroup(sessionOptions => new InferenceSession(modelPath, sessionOptions), options, subject);

    /// <summary><see cref="OnnxRuntimeOptions.SessionsPerModel"/> sessions over a model in memory; <paramref name="subject"/> names it in the log.</summary>
    public static OnnxSessionGroup GroupFromBytes(byte[] model, OnnxRuntimeOptions options, string subject) =>
        CreateGroup(sessionOptions => new InferenceSession(model, sessionOptions), options, subject);

    private static OnnxSessionGroup CreateGroup(Func<SessionOptions, InferenceSession> create, OnnxRuntimeOptions options, string subject)
    {
        var sessions = new List<InferenceSession>(options.SessionsPerModel);
        var placement = NodePlacement.Unknown;
        try
        {
            using (var sessionOptions = CreateSessionOptions(options))
            {
                placement = CreateFirst(create, sessionOptions, options, sessions);
                while (sessions.Count < options.SessionsPerModel)
                {
                    sessions.Add(create(sessionOptions));
                }
            }

            var group = new OnnxSessionGroup(sessions, options.Device.ProviderName, placement);
            Report(options, subject, group);
            return group;
        }
        catch
        {
            foreach (var session in sessions)
            {
                session.Dispose();
            }

            throw;
        }
    }

    /// <summary>Creates the first session, reading ORT's node placement report when there is a log to write it to.</summary>
    private static NodePlacement CreateFirst(
        Func<SessionOptions, InferenceSession> create, SessionOptions sessionOptions, OnnxRuntimeOptions options, List<InferenceSession> sessions)
    {
        if (options.Logger is null || !OrtLogSink.IsInstalled)
        {
            sessions.Add(create(sessionOptions));
            return NodePlacement.Unknown;
        }

        // ORT writes the placement report only when the session logs at verbose level; the level is read at
        // session creation, so the sessions after the first are created quietly again.
        var logId = OrtLogSink.BeginCapture(out var placement);
        try
        {
            sessionOptions.LogId = logId;
            sessionOptions.LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_VERBOSE;
            sessions.Add(create(sessionOptions));
        }
        finally
        {
            OrtLogSink.EndCapture(logId);
            sessionOptions.LogId = "nserve";
            sessionOptions.LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING;
        }

        return placement.Build();
    }

    private static void Report(OnnxRuntimeOptions options, string subject, OnnxSessionGroup group)
    {
        if (options.Logger is not { } logger)
        {
            return;
        }

        logger.LogInformation(
            "{Subject} runs on {Provider} ({Device}, {Sessions} session(s)): {Placement}",
            subject, group.ExecutionProvider, options.Device, group.Count, group.Placement);
        if (options.Device.IsCuda && group.Placement.OutsideOf(group.ExecutionProvider) is { Count: > 0 } fallback)
        {
            logger.LogWarning(
                "{Subject}: {Count} node(s) fall back from {Provider} to other providers: {Nodes}",
                subject, fallback.Sum(p => p.Count), group.ExecutionProvider,
                string.Join("; ", fallback.Select(p => $"{p.Provider}: {string.Join(", ", p.NodeNames)}")));
        }
    }
}
