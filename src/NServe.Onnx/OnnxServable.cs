using System.Buffers;
using Microsoft.ML.OnnxRuntime;
using NServe.Core.Errors;
using NServe.Core.Servables;
using NServe.Core.Tensors;

namespace NServe.Onnx;

/// <summary>
/// One model version served by ORT sessions (one, or <c>--num_gpu_instances</c> on a GPU, taken round-robin).
/// ORT's Run is thread-safe, so requests run concurrently on a session. Inputs are handed to ORT over the request tensors'
/// own memory, and numeric outputs come back in ORT's memory: no element is copied on the way.
/// </summary>
public sealed class OnnxServable : IServable
{
    public const string OnnxPlatform = "onnx";

    // ORT wants a real address even for a tensor with no elements.
    private static readonly byte[] EmptyElements = GC.AllocateArray<byte>(1, pinned: true);

    private readonly OnnxSessionGroup _sessions;
    private readonly Dictionary<string, OnnxSignature> _bindings;

    /// <summary>Serves <paramref name="sessions"/>, which it owns from now on.</summary>
    public OnnxServable(
        ServableId id,
        string platform,
        OnnxSessionGroup sessions,
        IReadOnlyList<KeyValuePair<string, OnnxSignature>> signatures)
    {
        Id = id;
        Platform = platform;
        _sessions = sessions;
        _bindings = signatures.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        Signatures = signatures.ToDictionary(p => p.Key, p => p.Value.Signature, StringComparer.Ordinal);
    }

    public ServableId Id { get; }

    public string Platform { get; }

    public IReadOnlyDictionary<string, Signature> Signatures { get; }

    /// <summary>The ORT execution provider that runs this model, e.g. <c>CUDAExecutionProvider</c>.</summary>
    public string ExecutionProvider => _sessions.ExecutionProvider;

    /// <summary>Which provider ORT gave each node at load (unknown when no logger was configured).</summary>
    public NodePlacement Placement => _sessions.Placement;

    /// <summary>Loads <c>model.onnx</c> (or any ONNX file) with its derived <c>serving_default</c> signature.</summary>
    public static OnnxServable Load(ServableId id, string modelPath, OnnxRuntimeOptions options)
    {
        OnnxSessionGroup session;
        try
        {
            session = OnnxSessionFactory.GroupFromFile(modelPath, options, $"Model {id.Name} version {id.Version}");
        }
        catch (OnnxRuntimeException e)
        {
            throw OnnxRunErrors.FromLoad(modelPath, e);
        }

        return WithDefaultSignature(id, session);
    }

    /// <summary>Serves a model held in memory, with its derived <c>serving_default</c> signature.</summary>
    public static OnnxServable FromBytes(ServableId id, byte[] model, OnnxRuntimeOptions options)
    {
        OnnxSessionGroup session;
        try
        {
            session = OnnxSessionFactory.GroupFromBytes(model, options, $"Model {id.Name} version {id.Version}");
        }
        catch (OnnxRuntimeException e)
        {
            throw OnnxRunErrors.FromLoad($"for {id}", e);
        }

        return WithDefaultSignature(id, session);
    }

    public ValueTask<IReadOnlyDictionary<string, Tensor>> RunAsync(
        string signatureKey,
        IReadOnlyDictionary<string, Tensor> inputs,
        IReadOnlyCollection<string>? outputFilter,
        CancellationToken cancellationToken)
    {
        try
        {
            // Run blocks this thread while ORT's intra-op pool computes; there is nothing to await.
            return ValueTask.FromResult<IReadOnlyDictionary<string, Tensor>>(Run(signatureKey, inputs, outputFilter, cancellationToken));
        }
        catch (Exception e)
        {
            return ValueTask.FromException<IReadOnlyDictionary<string, Tensor>>(e);
        }
    }

    public void Dispose()
    {
        _sessions.Dispose();
        NativeMemoryTrim.AfterUnload();
    }

    private static OnnxServable WithDefaultSignature(ServableId id, OnnxSessionGroup session)
    {
        try
        {
            var signature = OnnxSignature.FromSession(session.First);
            return new OnnxServable(id, OnnxPlatform, session, [new(Signature.DefaultKey, signature)]);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    private Dictionary<string, Tensor> Run(
        string signatureKey,
        IReadOnlyDictionary<string, Tensor> inputs,
        IReadOnlyCollection<string>? outputFilter,
        CancellationToken cancellationToken)
    {
        if (!_bindings.TryGetValue(signatureKey, out var signature))
        {
            throw ServingException.FailedPrecondition($"Serving signature key \"{signatureKey}\" not found.");
        }

        var ordered = OnnxRequestValidator.OrderInputs(signature, inputs);
        var outputIndices = OnnxRequestValidator.ResolveOutputs(signature, outputFilter);
        if (cancellationToken.IsCancellationRequested)
        {
            throw Cancelled();
        }

        var outputNames = new string[outputIndices.Length];
        for (var i = 0; i < outputIndices.Length; i++)
        {
            outputNames[i] = signature.GraphOutputNames[outputIndices[i]];
        }

        var inputValues = new OrtValue[ordered.Length];
        var pins = new MemoryHandle[ordered.Length];
        IDisposableReadOnlyCollection<OrtValue>? results = null;
        try
        {
            for (var i = 0; i < ordered.Length; i++)
            {
                inputValues[i] = ToOrtValue(ordered[i], ref pins[i]);
            }

            var runOptions = RunOptionsPool.Rent();
            var registration = cancellationToken.UnsafeRegister(static state => ((RunOptions)state!).Terminate = true, runOptions);
            try
            {
                results = _sessions.Next().Run(runOptions, signature.GraphInputNames, inputValues, outputNames);
            }
            catch (OnnxRuntimeException e) when (cancellationToken.IsCancellationRequested)
            {
                throw Cancelled(e);
            }
            catch (OnnxRuntimeException e)
            {
                throw OnnxRunErrors.FromRun(e);
            }
            finally
            {
                // Dispose waits for a running callback, so afterwards Terminate can only have been set if the
                // token fired; such options are dropped, never pooled.
                registration.Dispose();
                RunOptionsPool.Return(runOptions, maybeTerminated: cancellationToken.IsCancellationRequested);
            }

            return ToTensors(signature, outputIndices, results);
        }
        finally
        {
            foreach (var value in inputValues)
            {
                value?.Dispose();
            }

            foreach (var pin in pins)
            {
                pin.Dispose();
            }
        }
    }

    /// <summary>An ORT value over the tensor's own memory (pinned into <paramref name="pin"/>), or ORT strings.</summary>
    private static unsafe OrtValue ToOrtValue(Tensor tensor, ref MemoryHandle pin)
    {
        if (tensor.IsString)
        {
            var strings = tensor.Strings;
            var value = OrtValue.CreateTensorWithEmptyStrings(OrtAllocator.DefaultInstance, tensor.Shape);
            try
            {
                for (var i = 0; i < strings.Length; i++)
                {
                    value.StringTensorSetElementAt(strings[i], i);
                }
            }
            catch
            {
                value.Dispose();
                throw;
            }

            return value;
        }

        var bytes = tensor.Bytes;
        pin = bytes.Length > 0 ? bytes.Pin() : EmptyElements.AsMemory().Pin();
        return OrtValue.CreateTensorValueWithData(
            OrtMemoryInfo.DefaultInstance,
            OnnxDataTypes.ToOrt(tensor.DataType),
            tensor.Shape,
            (IntPtr)pin.Pointer,
            bytes.Length);
    }

    /// <summary>Wraps ORT's outputs; numeric tensors keep ORT's memory, strings are copied out.</summary>
    private Dictionary<string, Tensor> ToTensors(
        OnnxSignature signature,
        int[] outputIndices,
        IDisposableReadOnlyCollection<OrtValue> results)
    {
        var tensors = new Dictionary<string, Tensor>(outputIndices.Length, StringComparer.Ordinal);
        var taken = 0;
        try
        {
            foreach (var value in results)
            {
                var index = outputIndices[taken];
                var alias = signature.Signature.Outputs[index].Key;
                var typeAndShape = value.GetTensorTypeAndShape();
                var dataType = OnnxDataTypes.FromOrt(typeAndShape.ElementDataType);
                if (dataType == TensorDataType.Invalid)
                {
                    throw ServingException.Internal(
                        $"output '{alias}' of {Id} came back as {typeAndShape.ElementDataType}, which NServe cannot return");
                }

                if (dataType == TensorDataType.String)
                {
                    var strings = new byte[typeAndShape.ElementCount][];
                    for (var i = 0; i < strings.Length; i++)
                    {
                        strings[i] = value.GetStringElementAsSpan(i).ToArray();
                    }

                    tensors.Add(alias, Tensor.FromStrings(typeAndShape.Shape, strings));
                    value.Dispose();
                }
                else
                {
                    tensors.Add(alias, Tensor.FromBuffer(dataType, typeAndShape.Shape, new OrtValueTensorBuffer(value)));
                }

                taken++;
            }

            return tensors;
        }
        catch
        {
            foreach (var tensor in tensors.Values)
            {
                tensor.Dispose();
            }

            // Values not yet handed to a tensor are still ORT's; disposing the collection frees them all
            // (disposing an already-owned value twice is harmless).
            results.Dispose();
            throw;
        }
    }

    private ServingException Cancelled(Exception? inner = null) => new(
        StatusCode.DeadlineExceeded,
        $"Deadline exceeded: the run of {Id} was cancelled before it finished",
        inner);
}
