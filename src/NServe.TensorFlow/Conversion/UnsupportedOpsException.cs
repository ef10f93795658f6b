namespace NServe.TensorFlow.Conversion;

/// <summary>
/// A graph holds ops that cannot be converted to ONNX. The message lists every such op type once, with one
/// node that uses it: <c>Unsupported TensorFlow ops: Foo (node a/b), Bar (node c)</c>, so a model that fails
/// to load says exactly what it needs.
/// </summary>
public sealed class UnsupportedOpsException : Exception
{
    public UnsupportedOpsException(IReadOnlyList<UnsupportedOp> ops)
        : base("Unsupported TensorFlow ops: " + string.Join(", ", ops))
    {
        if (ops.Count == 0)
        {
            throw new ArgumentException("at least one unsupported op is needed", nameof(ops));
        }

        Ops = ops;
    }

    /// <summary>The unsupported op types in the order they were met, one entry per type.</summary>
    public IReadOnlyList<UnsupportedOp> Ops { get; }
}
