using Microsoft.ML.OnnxRuntime;
using NServe.Core.Errors;
using NServe.Core.Servables;
using NServe.Core.Tensors;

namespace NServe.Onnx;

/// <summary>
/// A <see cref="Signature"/> bound to an ORT session: which graph input feeds each input alias and which
/// graph output answers each output alias. For a plain ONNX model aliases are the graph names; a converted
/// TensorFlow model keeps its SignatureDef aliases and tensor names and maps them to graph names here.
/// </summary>
public sealed class OnnxSignature
{
    private readonly Dictionary<string, int> _inputIndex;
    private readonly Dictionary<string, int> _outputIndex;

    /// <param name="signature">The signature clients see.</param>
    /// <param name="graphInputNames">Graph input names, in the order of <see cref="Signature.Inputs"/>.</param>
    /// <param name="graphOutputNames">Graph output names, in the order of <see cref="Signature.Outputs"/>.</param>
    public OnnxSignature(Signature signature, IReadOnlyList<string> graphInputNames, IReadOnlyList<string> graphOutputNames)
    {
        if (graphInputNames.Count != signature.Inputs.Count || graphOutputNames.Count != signature.Outputs.Count)
        {
            throw new ArgumentException("every signature input and output needs exactly one graph name");
        }

        Signature = signature;
        GraphInputNames = [.. graphInputNames];
        GraphOutputNames = [.. graphOutputNames];
        InputSpecs = signature.Inputs.Select(p => p.Value).ToArray();
        OutputSpecs = signature.Outputs.Select(p => p.Value).ToArray();
        _inputIndex = IndexOf(signature.Inputs);
        _outputIndex = IndexOf(signature.Outputs);

        // TF Serving prints alias sets sorted (std::set); compute them once, not per failed request.
        SortedInputAliases = string.Join(",", signature.Inputs.Select(p => p.Key).Order(StringComparer.Ordinal));
        SortedOutputAliases = string.Join(",", signature.Outputs.Select(p => p.Key).Order(StringComparer.Ordinal));
    }

    public Signature Signature { get; }

    internal string[] GraphInputNames { get; }

    internal string[] GraphOutputNames { get; }

    internal TensorSpec[] InputSpecs { get; }

    internal TensorSpec[] OutputSpecs { get; }

    internal string SortedInputAliases { get; }

    internal string SortedOutputAliases { get; }

    internal bool TryGetInputIndex(string alias, out int index) => _inputIndex.TryGetValue(alias, out index);

    internal bool TryGetOutputIndex(string alias, out int index) => _outputIndex.TryGetValue(alias, out index);

    /// <summary>
    /// The <c>serving_default</c> predict signature of a plain ONNX model: one alias per graph input and
    /// output, named as in the graph, dynamic and symbolic dimensions as -1. Outputs NServe cannot return
    /// (sequences, maps, types like bfloat16) are left out so the rest of the model stays servable; an
    /// input it cannot feed makes the model unservable.
    /// </summary>
    public static OnnxSignature FromSession(InferenceSession session)
    {
        var inputs = new List<KeyValuePair<string, TensorSpec>>();
        foreach (var name in session.InputNames)
        {
            var spec = SpecOf(name, session.InputMetadata[name]) ?? throw new ServingException(
                StatusCode.InvalidArgument,
                $"ONNX model input '{name}' is of type {Describe(session.InputMetadata[name])}, which NServe cannot feed");
            inputs.Add(new(name, spec));
        }

        var outputs = new List<KeyValuePair<string, TensorSpec>>();
        foreach (var name in session.OutputNames)
        {
            if (SpecOf(name, session.OutputMetadata[name]) is { } spec)
            {
                outputs.Add(new(name, spec));
            }
        }

        if (outputs.Count == 0)
        {
            throw new ServingException(
                StatusCode.InvalidArgument,
                "ONNX model has no output NServe can return: " + string.Join(", ",
                    session.OutputNames.Select(n => $"'{n}' ({Describe(session.OutputMetadata[n])})")));
        }

        var signature = new Signature(Signature.PredictMethod, inputs, outputs);
        return new OnnxSignature(signature, inputs.Select(p => p.Key).ToArray(), outputs.Select(p => p.Key).ToArray());
    }

    private static TensorSpec? SpecOf(string name, NodeMetadata metadata)
    {
        if (!metadata.IsTensor)
        {
            return null;
        }

        var dataType = OnnxDataTypes.FromOrt(metadata.ElementDataType);
        if (dataType == TensorDataType.Invalid)
        {
            return null;
        }

        // ORT reports symbolic and unknown dimensions as -1 already; normalise anything negative.
        var shape = metadata.Dimensions.Select(d => d < 0 ? -1L : d).ToArray();
        return new TensorSpec(name, dataType, shape);
    }

    private static string Describe(NodeMetadata metadata) =>
        metadata.IsTensor ? $"tensor({metadata.ElementDataType})" : metadata.OnnxValueType.ToString();

    private static Dictionary<string, int> IndexOf(IReadOnlyList<KeyValuePair<string, TensorSpec>> specs)
    {
        var index = new Dictionary<string, int>(specs.Count, StringComparer.Ordinal);
        for (var i = 0; i < specs.Count; i++)
        {
            index.Add(specs[i].Key, i);
        }

        return index;
    }
}
