namespace NServe.Core.Servables;

/// <summary>
/// A named entry point of a servable (TensorFlow's SignatureDef): inputs and outputs by alias, and the
/// method name (<c>tensorflow/serving/predict</c>, <c>.../classify</c>, <c>.../regress</c>).
/// Aliases keep the model's order, which metadata responses show.
/// </summary>
public sealed class Signature(
    string methodName,
    IReadOnlyList<KeyValuePair<string, TensorSpec>> inputs,
    IReadOnlyList<KeyValuePair<string, TensorSpec>> outputs)
{
    public const string DefaultKey = "serving_default";
    public const string PredictMethod = "tensorflow/serving/predict";
    public const string ClassifyMethod = "tensorflow/serving/classify";
    public const string RegressMethod = "tensorflow/serving/regress";

    private readonly Dictionary<string, TensorSpec> _inputsByAlias = inputs.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
    private readonly Dictionary<string, TensorSpec> _outputsByAlias = outputs.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);

    public string MethodName { get; } = methodName;

    public IReadOnlyList<KeyValuePair<string, TensorSpec>> Inputs { get; } = inputs;

    public IReadOnlyList<KeyValuePair<string, TensorSpec>> Outputs { get; } = outputs;

    public IReadOnlyDictionary<string, TensorSpec> InputsByAlias => _inputsByAlias;

    public IReadOnlyDictionary<string, TensorSpec> OutputsByAlias => _outputsByAlias;

    /// <summary>Inputs a request may leave out because the signature has a default for them (SignatureDef.defaults).</summary>
    public IReadOnlySet<string> DefaultedInputs { get; init; } = new HashSet<string>();
}
