using System.Runtime.InteropServices;
using System.Text;
using Google.Protobuf;
using Onnx;
using OnnxDataType = Onnx.TensorProto.Types.DataType;

namespace NServe.Onnx.Building;

/// <summary>Factories for ONNX <see cref="TensorProto"/> constants (initializers and tensor attributes).</summary>
public static class OnnxTensors
{
    /// <summary>A numeric tensor whose element type follows from <typeparamref name="T"/>, stored as raw_data.</summary>
    public static TensorProto Create<T>(string name, ReadOnlySpan<long> dims, ReadOnlySpan<T> values)
        where T : unmanaged
        => Create(name, DataTypeOf<T>(), dims, MemoryMarshal.AsBytes(values));

    /// <summary>A numeric tensor of <paramref name="dataType"/> from its little-endian element bytes.</summary>
    public static TensorProto Create(string name, OnnxDataType dataType, ReadOnlySpan<long> dims, ReadOnlySpan<byte> rawData)
    {
        if (dataType is OnnxDataType.String or OnnxDataType.Undefined)
        {
            throw new ArgumentException($"raw data cannot hold {dataType} elements", nameof(dataType));
        }

        var elementSize = OnnxDataTypes.ElementSize(dataType);
        var count = CountOf(dims);
        if (rawData.Length != count * elementSize)
        {
            throw new ArgumentException(
                $"tensor '{name}': {rawData.Length} bytes do not fill shape [{string.Join(",", dims.ToArray())}] of {dataType}");
        }

        // ONNX raw_data is little-endian; so is every platform .NET and ORT run on here.
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("ONNX raw_data needs a little-endian host");
        }

        var tensor = NewTensor(name, dataType, dims);
        tensor.RawData = ByteString.CopyFrom(rawData);
        return tensor;
    }

    /// <summary>A scalar (rank 0) tensor.</summary>
    public static TensorProto Scalar<T>(string name, T value)
        where T : unmanaged
        => Create(name, [], new ReadOnlySpan<T>(in value));

    /// <summary>A string tensor; elements are byte strings (ONNX expects UTF-8 text).</summary>
    public static TensorProto CreateStrings(string name, ReadOnlySpan<long> dims, IReadOnlyList<byte[]> values)
    {
        if (values.Count != CountOf(dims))
        {
            throw new ArgumentException(
                $"tensor '{name}': {values.Count} strings do not fill shape [{string.Join(",", dims.ToArray())}]");
        }

        var tensor = NewTensor(name, OnnxDataType.String, dims);
        foreach (var value in values)
        {
            tensor.StringData.Add(ByteString.CopyFrom(value));
        }

        return tensor;
    }

    /// <summary>A string tensor of UTF-8 encoded text.</summary>
    public static TensorProto CreateStrings(string name, ReadOnlySpan<long> dims, IReadOnlyList<string> values)
        => CreateStrings(name, dims, values.Select(Encoding.UTF8.GetBytes).ToArray());

    /// <summary>The ONNX element type of a CLR element type.</summary>
    public static OnnxDataType DataTypeOf<T>()
        where T : unmanaged
    {
        var type = typeof(T);
        return type == typeof(float) ? OnnxDataType.Float
            : type == typeof(double) ? OnnxDataType.Double
            : type == typeof(sbyte) ? OnnxDataType.Int8
            : type == typeof(byte) ? OnnxDataType.Uint8
            : type == typeof(short) ? OnnxDataType.Int16
            : type == typeof(ushort) ? OnnxDataType.Uint16
            : type == typeof(int) ? OnnxDataType.Int32
            : type == typeof(uint) ? OnnxDataType.Uint32
            : type == typeof(long) ? OnnxDataType.Int64
            : type == typeof(ulong) ? OnnxDataType.Uint64
            : type == typeof(bool) ? OnnxDataType.Bool
            : type == typeof(Half) ? OnnxDataType.Float16
            : throw new NotSupportedException($"{type.Name} has no ONNX element type");
    }

    private static TensorProto NewTensor(string name, OnnxDataType dataType, ReadOnlySpan<long> dims)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)dataType };
        foreach (var dim in dims)
        {
            tensor.Dims.Add(dim);
        }

        return tensor;
    }

    private static long CountOf(ReadOnlySpan<long> dims)
    {
        long count = 1;
        foreach (var dim in dims)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(dim);
            count = checked(count * dim);
        }

        return count;
    }
}
