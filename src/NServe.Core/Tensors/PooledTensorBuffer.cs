using System.Buffers;

namespace NServe.Core.Tensors;

/// <summary>A buffer rented from the shared array pool, returned on dispose.</summary>
public sealed class PooledTensorBuffer : TensorBuffer
{
    private byte[]? _array;
    private readonly int _length;

    public PooledTensorBuffer(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        _array = ArrayPool<byte>.Shared.Rent(Math.Max(length, 1));
        _length = length;
    }

    public override Memory<byte> Memory =>
        new(_array ?? throw new ObjectDisposedException(nameof(PooledTensorBuffer)), 0, _length);

    public override void Dispose()
    {
        var array = Interlocked.Exchange(ref _array, null);
        if (array is not null)
        {
            ArrayPool<byte>.Shared.Return(array);
        }
    }
}
