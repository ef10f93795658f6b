using NServe.Core.Errors;
using NServe.Core.Servables;
using NServe.Core.Tensors;

namespace NServe.Core.Tests.Warmup;

/// <summary>
/// A servable with signatures <c>serving_default</c> and <c>other</c> (float input <c>x</c> → output <c>y</c>)
/// that records every run: the signature and the first input value. <c>y = x / 2 + 2</c>.
/// </summary>
internal sealed class WarmupTestServable(ServableId? id = null) : IServable
{
    private static readonly Signature HalfPlusTwo = new(
        Signature.PredictMethod,
        [new("x", new TensorSpec("x:0", TensorDataType.Float, [-1]))],
        [new("y", new TensorSpec("y:0", TensorDataType.Float, [-1]))]);

    private readonly List<(string Signature, float X)> _runs = [];

    public ServableId Id { get; } = id ?? new ServableId("m", 1);

    public string Platform => "fake";

    public bool Disposed { get; private set; }

    public IReadOnlyDictionary<string, Signature> Signatures { get; } =
        new Dictionary<string, Signature> { [Signature.DefaultKey] = HalfPlusTwo, ["other"] = HalfPlusTwo };

    public IReadOnlyList<(string Signature, float X)> Runs
    {
        get
        {
            lock (_runs)
            {
                return _runs.ToList();
            }
        }
    }

    public ValueTask<IReadOnlyDictionary<string, Tensor>> RunAsync(
        string signatureKey,
        IReadOnlyDictionary<string, Tensor> inputs,
        IReadOnlyCollection<string>? outputFilter,
        CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Disposed, this);
        var x = inputs["x"].AsSpan<float>();
        if (x.IsEmpty)
        {
            throw ServingException.InvalidArgument("x is empty");
        }

        lock (_runs)
        {
            _runs.Add((signatureKey, x[0]));
        }

        var y = new float[x.Length];
        for (var i = 0; i < x.Length; i++)
        {
            y[i] = (x[i] / 2) + 2;
        }

        IReadOnlyDictionary<string, Tensor> outputs = new Dictionary<string, Tensor>
        {
            ["y"] = Tensor.FromValues<float>(TensorDataType.Float, [y.Length], y),
        };
        return ValueTask.FromResult(outputs);
    }

    public void Dispose() => Disposed = true;
}
