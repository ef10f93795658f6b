using System.Buffers;
using System.Runtime.CompilerServices;
using NServe.Core.Errors;
using NServe.Core.Tensors;

namespace NServe.Server.Rest.Json;

/// <summary>
/// Collects one input's elements as they are decoded, before the element count (and so the shape) is
/// known: numbers go straight into a rented array that later becomes the tensor's memory without a copy;
/// strings into a growing list of byte arrays.
/// </summary>
internal sealed class TensorAccumulator : IDisposable
{
    private const int MinimumCapacity = 64;

    // Start no larger than this for a hint; beyond it, let real data grow the buffer.
    private const int MaximumInitialBytes = 16 << 20;

    private readonly int _elementSize;
    private byte[]? _bytes;
    private int _byteLength;
    private byte[][]? _strings;

    public TensorAccumulator(TensorDataType dataType, int elementHint)
    {
        DataType = dataType;
        // A type no tensor can hold still gets a (never filled) buffer: its values are refused one by one,
        // which yields TF Serving's per-value error.
        _elementSize = dataType == TensorDataType.String ? 0
            : TensorDataTypes.IsSupported(dataType) ? TensorDataTypes.ElementSize(dataType) : 1;
        var capacity = Math.Max(MinimumCapacity, elementHint);
        if (_elementSize == 0)
        {
            _strings = new byte[Math.Min(capacity, 4096)][];
        }
        else
        {
            _bytes = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)capacity * _elementSize, MaximumInitialBytes));
        }
    }

    public TensorDataType DataType { get; }

    public long Count { get; private set; }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Append<T>(T value)
        where T : unmanaged
    {
        var bytes = _bytes!;
        if (bytes.Length - _byteLength < Unsafe.SizeOf<T>())
        {
            bytes = Grow();
        }

        Unsafe.WriteUnaligned(ref bytes[_byteLength], value);
        _byteLength += Unsafe.SizeOf<T>();
        Count++;
    }

    public void AppendString(byte[] value)
    {
        var strings = _strings!;
        if (Count == strings.Length)
        {
            Array.Resize(ref _strings, checked(strings.Length * 2));
            strings = _strings;
        }

        strings[Count++] = value;
    }

    /// <summary>Hands the elements over as a tensor of <paramref name="shape"/> (which must hold exactly <see cref="Count"/>).</summary>
    public Tensor ToTensor(long[] shape)
    {
        if (_elementSize == 0)
        {
            var strings = _strings!;
            if (strings.Length != Count)
            {
                Array.Resize(ref strings, (int)Count);
            }

            _strings = null;
            return Tensor.FromStrings(shape, strings);
        }

        var bytes = _bytes!;
        _bytes = null;
        return Tensor.FromBuffer(DataType, shape, new RentedTensorBuffer(bytes, _byteLength));
    }

    public void Dispose()
    {
        var bytes = _bytes;
        _bytes = null;
        if (bytes is not null)
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }

        _strings = null;
    }

    private byte[] Grow()
    {
        var old = _bytes!;
        var size = (long)old.Length * 2;
        if (size > Array.MaxLength)
        {
            size = Array.MaxLength;
            if (size - _byteLength < _elementSize)
            {
                throw new ServingException(StatusCode.ResourceExhausted, "JSON tensor data does not fit in one buffer");
            }
        }

        var larger = ArrayPool<byte>.Shared.Rent((int)size);
        old.AsSpan(0, _byteLength).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(old);
        _bytes = larger;
        return larger;
    }
}
