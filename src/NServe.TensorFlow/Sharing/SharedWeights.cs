using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using NServe.Onnx;
using Onnx;

namespace NServe.TensorFlow.Sharing;

/// <summary>
/// The weights several signatures of one SavedModel use, held once for the whole version: each is one
/// <see cref="OrtValue"/> over native memory, given to every signature's session through
/// <c>SessionOptions.AddInitializer</c> (under whatever name that signature's graph gives it), and the
/// sessions share one <see cref="PrePackedWeightsContainer"/>, so a MatMul/Conv weight ORT pre-packs is packed
/// once too. Without this, every signature's session held its own copy of every variable it reads.
/// </summary>
/// <remarks>
/// The converted graphs keep the weights' bytes (ORT needs them while it optimises; a graph written by
/// <c>nserve convert</c> stands alone); ORT drops a session's graph copy once the session is built. Weights
/// ORT would constant-fold are not shared (<see cref="FoldedInitializers"/>). Must outlive every session
/// made by <see cref="CreateSessions"/>: dispose it after them.
/// </remarks>
public sealed unsafe class SharedWeights : IDisposable
{
    private readonly Dictionary<string, List<(string Name, InitializerContent Content)>> _uses;
    private readonly Dictionary<InitializerContent, OrtValue> _values = [];
    private readonly List<nint> _buffers = [];
    private readonly object _gate = new();
    private PrePackedWeightsContainer? _prepacked;
    private bool _disposed;

    private SharedWeights(Dictionary<string, List<(string, InitializerContent)>> uses, int count, long bytes)
    {
        _uses = uses;
        Count = count;
        Bytes = bytes;
    }

    /// <summary>How many distinct weights are held once for several signatures.</summary>
    public int Count { get; }

    /// <summary>Their total size: what each further signature using them no longer holds a copy of.</summary>
    public long Bytes { get; }

    /// <summary>Finds the initializers that two or more of <paramref name="models"/> (by signature key) hold with equal content.</summary>
    public static SharedWeights Find(IEnumerable<KeyValuePair<string, ModelProto>> models)
    {
        // Equal contents map to the first tensor seen, which stands for all of them, and the signatures using it.
        var users = new Dictionary<InitializerContent, (InitializerContent First, HashSet<string> Keys)>();
        var candidates = new List<(string Key, string Name, InitializerContent Content)>();
        foreach (var (key, model) in models)
        {
            var folded = FoldedInitializers.Of(model.Graph);
            foreach (var initializer in model.Graph.Initializer)
            {
                if (folded.Contains(initializer.Name) || InitializerContent.Of(initializer) is not { } content)
                {
                    continue;
                }

                if (!users.TryGetValue(content, out var user))
                {
                    user = (content, new HashSet<string>(StringComparer.Ordinal));
                    users[content] = user;
                }

                user.Keys.Add(key);
                candidates.Add((key, initializer.Name, user.First));
            }
        }

        var uses = new Dictionary<string, List<(string, InitializerContent)>>(StringComparer.Ordinal);
        foreach (var (key, name, content) in candidates.Where(c => users[c.Content].Keys.Count > 1))
        {
            if (!uses.TryGetValue(key, out var list))
            {
                list = [];
                uses[key] = list;
            }

            list.Add((name, content));
        }

        var shared = users.Values.Where(u => u.Keys.Count > 1).Select(u => u.First).ToList();
        return new SharedWeights(uses, shared.Count, shared.Sum(c => (long)c.Tensor.RawData.Length));
    }

    /// <summary>
    /// The sessions of signature <paramref name="key"/> over <paramref name="model"/> (its converted graph),
    /// reading this version's shared weights instead of copies of their own. On a GPU each session copies its
    /// weights to the device whatever the host holds, so there the factory's own sessions are used.
    /// </summary>
    public OnnxSessionGroup CreateSessions(string key, byte[] model, OnnxRuntimeOptions runtime, string subject)
    {
        if (runtime.Device.IsCuda || !_uses.TryGetValue(key, out var uses))
        {
            return OnnxSessionFactory.GroupFromBytes(model, runtime, subject);
        }

        var sessions = new List<InferenceSession>(runtime.SessionsPerModel);
        try
        {
            using var options = OnnxSessionFactory.CreateSessionOptions(runtime);
            PrePackedWeightsContainer prepacked;
            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                foreach (var (name, content) in uses)
                {
                    options.AddInitializer(name, ValueOf(content));
                }

                prepacked = _prepacked ??= new PrePackedWeightsContainer();
            }

            while (sessions.Count < runtime.SessionsPerModel)
            {
                sessions.Add(new InferenceSession(model, options, prepacked));
            }

            return new OnnxSessionGroup(sessions, runtime.Device.ProviderName, NodePlacement.Unknown);
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

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            foreach (var value in _values.Values)
            {
                value.Dispose();
            }

            foreach (var buffer in _buffers)
            {
                NativeMemory.AlignedFree((void*)buffer);
            }

            _prepacked?.Dispose();
        }
    }

    // Created on first use, after session options have brought up the ORT environment.
    private OrtValue ValueOf(InitializerContent content)
    {
        if (_values.TryGetValue(content, out var value))
        {
            return value;
        }

        var tensor = content.Tensor;
        var bytes = tensor.RawData.Span;
        var buffer = NativeMemory.AlignedAlloc((nuint)bytes.Length, 64);
        _buffers.Add((nint)buffer);
        bytes.CopyTo(new Span<byte>(buffer, bytes.Length));
        value = OrtValue.CreateTensorValueWithData(
            OrtMemoryInfo.DefaultInstance, (TensorElementType)tensor.DataType, [.. tensor.Dims], (nint)buffer, bytes.Length);
        _values[content] = value;
        return value;
    }
}
