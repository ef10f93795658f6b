using Microsoft.ML.OnnxRuntime;

namespace NServe.Onnx;

/// <summary>
/// The sessions over one model: one, or <c>--num_gpu_instances</c> on a GPU, where each session has its own
/// CUDA stream and so requests on different sessions overlap on the device. Requests take them round-robin.
/// </summary>
public sealed class OnnxSessionGroup : IDisposable
{
    private readonly InferenceSession[] _sessions;
    private uint _next;

    /// <summary>Serves <paramref name="sessions"/> (at least one, all over the same model), which it owns from now on.</summary>
    public OnnxSessionGroup(IReadOnlyList<InferenceSession> sessions, string executionProvider, NodePlacement placement)
    {
        ArgumentOutOfRangeException.ThrowIfZero(sessions.Count);
        _sessions = [.. sessions];
        ExecutionProvider = executionProvider;
        Placement = placement;
    }

    /// <summary>The provider the sessions were created for, e.g. <c>CUDAExecutionProvider</c>.</summary>
    public string ExecutionProvider { get; }

    /// <summary>Where ORT put the nodes of the first session (all sessions of a group are placed alike).</summary>
    public NodePlacement Placement { get; }

    public int Count => _sessions.Length;

    /// <summary>The first session, for what all of them share (inputs, outputs, metadata).</summary>
    public InferenceSession First => _sessions[0];

    /// <summary>The session for the next request.</summary>
    public InferenceSession Next() =>
        _sessions.Length == 1 ? _sessions[0] : _sessions[Interlocked.Increment(ref _next) % (uint)_sessions.Length];

    public void Dispose()
    {
        foreach (var session in _sessions)
        {
            session.Dispose();
        }
    }
}
