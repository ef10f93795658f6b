using System.Buffers;
using NServe.Core.Tensors;

namespace NServe.Server.Rest.Json;

/// <summary>
/// Tensor memory decoded straight from JSON: an array rented before the element count was known, handed
/// to the tensor as is (no copy into an exactly sized buffer) and returned to the pool on dispose.
/// </summary>
internal sealed class RentedTensorBuffer(byte[] array, int length) : TensorBuffer
{
    private byte[]? _array = array;

    public override Memory<byte> Memory =>
        new(_array ?? throw new ObjectDisposedException(nameof(RentedTensorBuffer)), 0, length);

    public override void Dispose()
    {
        var rented = Interlocked.Exchange(ref _array, null);
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
