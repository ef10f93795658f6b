namespace NServe.Core.Tensors;

/// <summary>
/// The bytes behind a numeric tensor. Owned by exactly one <see cref="Tensor"/>; disposing returns the
/// memory to where it came from (a pool, or a runtime's own output value).
/// </summary>
public abstract class TensorBuffer : IDisposable
{
    /// <summary>The element bytes, little-endian, row-major.</summary>
    public abstract Memory<byte> Memory { get; }

    public Span<byte> Span => Memory.Span;

    public abstract void Dispose();
}
