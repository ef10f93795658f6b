using NServe.Core.Errors;
using NServe.Core.Servables;
using NServe.Core.Tensors;
using NServe.Onnx;
using NServe.TensorFlow.HostKernels;
using NServe.TensorFlow.Sharing;
using NServe.TensorFlow.State;
using Tensorflow;

namespace NServe.TensorFlow;

/// <summary>
/// A SavedModel version served through ONNX Runtime: each signature that computes tensors runs on its own ORT
/// session, converted from the signature's pruned graph when the model loaded. <see cref="Signatures"/> mirror
/// the SignatureDefs (TensorInfo names such as <c>x:0</c>, dtypes, shapes, method names), including those that
/// only run operations (TF2's <c>__saved_model_init_op</c>), which metadata shows but which cannot be run.
/// </summary>
public sealed class TensorFlowServable : IServable
{
    public const string TensorFlowPlatform = "tensorflow";

    private readonly Dictionary<string, OnnxServable> _runners;
    private readonly Dictionary<string, IReadOnlyDictionary<string, Tensor>> _defaults;
    private readonly Dictionary<string, ExampleParsingStage> _stages;
    private readonly StatefulSignatures? _stateful;
    private readonly SharedWeights? _sharedWeights;

    /// <param name="id">The version served.</param>
    /// <param name="signatureDefs">Every SignatureDef of the MetaGraph, in the model's order.</param>
    /// <param name="runners">One single-signature ORT servable per runnable signature key; owned from now on.</param>
    /// <param name="defaults">Default input values by signature key and input alias; owned from now on.</param>
    /// <param name="timings">How long the load took, by phase.</param>
    /// <param name="exampleParsing">By signature key, the ParseExample runs done in C# before its ORT session.</param>
    /// <param name="stateful">The signatures that read or update variables held for this version; owned from now on.</param>
    /// <param name="sharedWeights">The weights the runners' sessions share; owned from now on, released after the runners.</param>
    public TensorFlowServable(
        ServableId id,
        IReadOnlyList<KeyValuePair<string, SignatureDef>> signatureDefs,
        IReadOnlyDictionary<string, OnnxServable> runners,
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, Tensor>> defaults,
        TensorFlowLoadTimings timings,
        IReadOnlyDictionary<string, ExampleParsingStage>? exampleParsing = null,
        StatefulSignatures? stateful = null,
        SharedWeights? sharedWeights = null)
    {
        Id = id;
        LoadTimings = timings;
        SignatureDefs = signatureDefs.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        Signatures = signatureDefs.ToDictionary(p => p.Key, p => SavedModel.SignatureSpecs.ToSignature(p.Value), StringComparer.Ordinal);
        _runners = runners.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        _defaults = defaults.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        _stages = exampleParsing?.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal) ?? new(StringComparer.Ordinal);
        _stateful = stateful;
        _sharedWeights = sharedWeights;
    }

    public ServableId Id { get; }

    public string Platform => TensorFlowPlatform;

    public IReadOnlyDictionary<string, Signature> Signatures { get; }

    /// <summary>The SignatureDefs as the model holds them, for metadata responses (GetModelMetadata's SignatureDefMap).</summary>
    public IReadOnlyDictionary<string, SignatureDef> SignatureDefs { get; }

    /// <summary>
    /// SignatureDef <c>defaults</c>: by signature key, the input aliases a request may leave out and the value
    /// used then. <see cref="RunAsync"/> fills them in itself, so callers that check a request's inputs
    /// against the signature should count these as present.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, Tensor>> InputDefaults => _defaults;

    public TensorFlowLoadTimings LoadTimings { get; }

    /// <summary>How many distinct weights several signatures' sessions share (held once), and their bytes.</summary>
    public (int Count, long Bytes) SharedWeightTotals => _sharedWeights is { } shared ? (shared.Count, shared.Bytes) : (0, 0);

    public ValueTask<IReadOnlyDictionary<string, Tensor>> RunAsync(
        string signatureKey,
        IReadOnlyDictionary<string, Tensor> inputs,
        IReadOnlyCollection<string>? outputFilter,
        CancellationToken cancellationToken)
    {
        if (!_runners.TryGetValue(signatureKey, out var runner))
        {
            var error = Signatures.ContainsKey(signatureKey)
                ? ServingException.FailedPrecondition($"Signature \"{signatureKey}\" of {Id} only runs operations; it has no output tensors to compute")
                : ServingException.FailedPrecondition($"Serving signature key \"{signatureKey}\" not found.");
            return ValueTask.FromException<IReadOnlyDictionary<string, Tensor>>(error);
        }

        if (_defaults.TryGetValue(signatureKey, out var defaults) && !ContainsAll(inputs, defaults))
        {
            var merged = new Dictionary<string, Tensor>(inputs, StringComparer.Ordinal);
            foreach (var (alias, value) in defaults)
            {
                merged.TryAdd(alias, value);
            }

            inputs = merged;
        }

        if (_stateful is not null && _stateful.TryGet(signatureKey, out var stateful))
        {
            return stateful.RunAsync(runner, signatureKey, inputs, outputFilter, cancellationToken);
        }

        if (_stages.TryGetValue(signatureKey, out var stage))
        {
            return RunWithParsedExamples(runner, stage, signatureKey, inputs, outputFilter, cancellationToken);
        }

        return runner.RunAsync(signatureKey, inputs, outputFilter, cancellationToken);
    }

    public void Dispose()
    {
        foreach (var runner in _runners.Values)
        {
            runner.Dispose();
        }

        _sharedWeights?.Dispose();
        foreach (var tensor in _defaults.Values.SelectMany(d => d.Values))
        {
            tensor.Dispose();
        }

        _stateful?.Dispose();
    }

    private static async ValueTask<IReadOnlyDictionary<string, Tensor>> RunWithParsedExamples(
        OnnxServable runner,
        ExampleParsingStage stage,
        string signatureKey,
        IReadOnlyDictionary<string, Tensor> inputs,
        IReadOnlyCollection<string>? outputFilter,
        CancellationToken cancellationToken)
    {
        var parsed = new List<Tensor>();
        try
        {
            var graphInputs = stage.Apply(inputs, parsed);
            return await runner.RunAsync(signatureKey, graphInputs, outputFilter, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            foreach (var tensor in parsed)
            {
                tensor.Dispose();
            }
        }
    }

    private static bool ContainsAll(IReadOnlyDictionary<string, Tensor> inputs, IReadOnlyDictionary<string, Tensor> defaults)
    {
        foreach (var alias in defaults.Keys)
        {
            if (!inputs.ContainsKey(alias))
            {
                return false;
            }
        }

        return true;
    }
}
