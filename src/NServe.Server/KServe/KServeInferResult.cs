using NServe.Core.Servables;
using NServe.Core.Tensors;

namespace NServe.Server.KServe;

/// <summary>One output of a run: v2 name, tensor, and whether REST sends it as binary data.</summary>
public sealed record KServeOutput(string Name, Tensor Tensor, bool Binary);

/// <summary>A finished run: the version that ran and its outputs in response order. Owns the output tensors.</summary>
public sealed class KServeInferResult(ServableId servable, IReadOnlyList<KServeOutput> outputs) : IDisposable
{
    public ServableId Servable { get; } = servable;

    public IReadOnlyList<KServeOutput> Outputs { get; } = outputs;

    public void Dispose()
    {
        foreach (var output in Outputs)
        {
            output.Tensor.Dispose();
        }
    }
}
