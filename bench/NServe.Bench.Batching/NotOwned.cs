using NServe.Core.Servables;
using NServe.Core.Tensors;

namespace NServe.Bench.Batching;

/// <summary>Lends a servable to a wrapper that would dispose it: the benchmark keeps using it.</summary>
internal sealed class NotOwned(IServable inner) : IServable
{
    public ServableId Id => inner.Id;

    public string Platform => inner.Platform;

    public IReadOnlyDictionary<string, Signature> Signatures => inner.Signatures;

    public ValueTask<IReadOnlyDictionary<string, Tensor>> RunAsync(
        string signatureKey,
        IReadOnlyDictionary<string, Tensor> inputs,
        IReadOnlyCollection<string>? outputFilter,
        CancellationToken cancellationToken) => inner.RunAsync(signatureKey, inputs, outputFilter, cancellationToken);

    public void Dispose()
    {
    }
}
