using System.Runtime.InteropServices;

namespace NServe.Core.Tensors;

/// <summary>
/// A dense tensor: an element type, a shape and its elements in row-major order. Numeric elements live in
/// a <see cref="TensorBuffer"/> (pooled or runtime-owned, never copied without need); string elements are
/// byte strings, as in TensorFlow (not necessarily UTF-8).
/// </summary>
public sealed class Tensor : IDisposable
{
    private TensorBuffer? _buffer;
    private readonly byte[][]? _strings;

    private Tensor(TensorDataType dataType, long[] shape, TensorBuffer? buffer, byte[][]? strings)
    {
        DataType = dataType;
        Shape = shape;
        _buffer = buffer;
        _strings = strings;
    }

    public TensorDataType DataType { get; }

    /// <summary>Dimensions; empty for a scalar.</summary>
    public long[] Shape { get; }

    public int Rank => Shape.Length;

    public long ElementCount => ElementCountOf(Shape);

    public bool IsString => DataType == TensorDataType.String;

    /// <summary>The element bytes of a numeric tensor.</summary>
    public Memory<byte> Bytes => (_buffer ?? throw new InvalidOperationException(
        IsString ? "a string tensor has no byte buffer" : "tensor was disposed")).Memory;

    /// <summary>The elements of a string tensor.</summary>
    public byte[][] Strings => _strings ?? throw new InvalidOperationException("not a string tensor");

    /// <summary>The elements of a numeric tensor viewed as <typeparamref name="T"/>.</summary>
    public Span<T> AsSpan<T>()
        where T : struct => MemoryMarshal.Cast<byte, T>(Bytes.Span);

    /// <summary>Takes ownership of <paramref name="buffer"/>, which must hold exactly the elements.</summary>
    public static Tensor FromBuffer(TensorDataType dataType, long[] shape, TensorBuffer buffer)
    {
        if (dataType == TensorDataType.String)
        {
            throw new ArgumentException("use FromStrings for string tensors", nameof(dataType));
        }

        var expected = ElementCountOf(shape) * TensorDataTypes.ElementSize(dataType);
        if (buffer.Memory.Length != expected)
        {
            buffer.Dispose();
            throw new ArgumentException($"buffer holds {buffer.Memory.Length} bytes; shape needs {expected}");
        }

        return new Tensor(dataType, shape, buffer, null);
    }

    /// <summary>A tensor with a pooled, uninitialised buffer to be filled by the caller.</summary>
    public static Tensor Allocate(TensorDataType dataType, long[] shape)
    {
        var bytes = checked(ElementCountOf(shape) * TensorDataTypes.ElementSize(dataType));
        if (bytes > Array.MaxLength)
        {
            throw new ArgumentException($"a tensor of {bytes} bytes is larger than one buffer can hold");
        }

        return FromBuffer(dataType, shape, new PooledTensorBuffer((int)bytes));
    }

    /// <summary>A numeric tensor holding a copy of <paramref name="values"/>.</summary>
    public static Tensor FromValues<T>(TensorDataType dataType, long[] shape, ReadOnlySpan<T> values)
        where T : struct
    {
        var tensor = Allocate(dataType, shape);
        MemoryMarshal.AsBytes(values).CopyTo(tensor.Bytes.Span);
        return tensor;
    }

    public static Tensor FromStrings(long[] shape, byte[][] strings)
    {
        if (strings.LongLength != ElementCountOf(shape))
        {
            throw new ArgumentException($"{strings.Length} strings do not fill shape [{string.Join(",", shape)}]");
        }

        return new Tensor(TensorDataType.String, shape, null, strings);
    }

    public static long ElementCountOf(ReadOnlySpan<long> shape)
    {
        long count = 1;
        foreach (var dim in shape)
        {
            if (dim < 0)
            {
                throw new ArgumentException("a tensor's dimensions cannot be negative");
            }

            count = checked(count * dim);
        }

        return count;
    }

    /// <summary>The shape as TF Serving prints it in errors: <c>[2,3]</c>.</summary>
    public string ShapeString => "[" + string.Join(",", Shape) + "]";

    public void Dispose() => Interlocked.Exchange(ref _buffer, null)?.Dispose();
}
