using NServe.Core.Tensors;

namespace NServe.Server.Rest.Json;

/// <summary>
/// A decoded REST predict body: the signature it names (or the default one), its input tensors by alias,
/// and which format it used, so the response can be written in the same one. Owns the tensors.
/// </summary>
public sealed class PredictRequestJson(string signatureKey, Dictionary<string, Tensor> inputs, PredictRequestFormat format)
    : IDisposable
{
    /// <summary>The signature key the request resolved to (<c>serving_default</c> when none was named).</summary>
    public string SignatureKey { get; } = signatureKey;

    /// <summary>Input tensors keyed by signature input alias.</summary>
    public Dictionary<string, Tensor> Inputs { get; } = inputs;

    public PredictRequestFormat Format { get; } = format;

    public void Dispose()
    {
        foreach (var tensor in Inputs.Values)
        {
            tensor.Dispose();
        }
    }
}
