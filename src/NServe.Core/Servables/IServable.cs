using NServe.Core.Tensors;

namespace NServe.Core.Servables;

/// <summary>
/// A loaded model version that can run its signatures. Implementations are thread-safe: many requests
/// run at once. Inputs stay owned by the caller; the returned tensors are owned by the caller too.
/// </summary>
public interface IServable : IDisposable
{
    ServableId Id { get; }

    /// <summary>The platform that loaded it: <c>onnx</c> or <c>tensorflow</c>.</summary>
    string Platform { get; }

    /// <summary>Signatures by key, in the model's order.</summary>
    IReadOnlyDictionary<string, Signature> Signatures { get; }

    /// <summary>
    /// Runs <paramref name="signatureKey"/> on inputs keyed by alias and returns outputs keyed by alias:
    /// all of them, or only those in <paramref name="outputFilter"/> when it is non-empty.
    /// Throws <see cref="Errors.ServingException"/> for a bad request (InvalidArgument) and for timeouts.
    /// </summary>
    ValueTask<IReadOnlyDictionary<string, Tensor>> RunAsync(
        string signatureKey,
        IReadOnlyDictionary<string, Tensor> inputs,
        IReadOnlyCollection<string>? outputFilter,
        CancellationToken cancellationToken);
}
