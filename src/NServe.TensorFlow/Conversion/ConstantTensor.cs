using System.Buffers.Binary;
using Google.Protobuf;
using NServe.Core.Tensors;
using NServe.Onnx;
using NServe.Onnx.Building;

namespace NServe.TensorFlow.Conversion;

/// <summary>
/// A tensor whose value the converter knows: a Const node, a variable frozen into one, or a small value it
/// folded (shape arithmetic). Numbers are kept as little-endian element bytes of their own dtype, so big
/// weights go to ONNX initializers without a detour; small values are read back as longs or doubles by
/// converters that need them (a Reshape shape, a Transpose perm, reduction axes).
/// </summary>
internal sealed class ConstantTensor
{
    private readonly byte[]? _raw;
    private readonly byte[][]? _strings;

    private ConstantTensor(TensorDataType dataType, long[] shape, byte[]? raw, byte[][]? strings)
    {
        DataType = dataType;
        Shape = shape;
        _raw = raw;
        _strings = strings;
    }

    public TensorDataType DataType { get; }

    public long[] Shape { get; }

    public long ElementCount => Tensor.ElementCountOf(Shape);

    public bool IsString => _strings is not null;

    public byte[][] Strings => _strings ?? throw new ConversionException("a numeric constant where strings are needed");

    /// <summary>Decodes a TensorFlow TensorProto with TensorFlow's rules (repeat-last-value fill, tensor_content).</summary>
    public static ConstantTensor FromProto(Tensorflow.TensorProto proto)
    {
        using var tensor = TensorProtoConverter.ToTensor(proto);
        return tensor.IsString
            ? new ConstantTensor(TensorDataType.String, tensor.Shape, null, tensor.Strings)
            : new ConstantTensor(tensor.DataType, tensor.Shape, tensor.Bytes.ToArray(), null);
    }

    public static ConstantTensor FromStrings(long[] shape, byte[][] values)
    {
        if (values.LongLength != Tensor.ElementCountOf(shape))
        {
            throw new ArgumentException("string count does not fill the shape", nameof(values));
        }

        return new ConstantTensor(TensorDataType.String, shape, null, values);
    }

    /// <summary>A numeric or bool constant of <paramref name="dataType"/> from integer values (cast as C# casts).</summary>
    public static ConstantTensor FromInt64s(TensorDataType dataType, long[] shape, ReadOnlySpan<long> values)
    {
        var raw = Allocate(dataType, shape, values.Length);
        var size = TensorDataTypes.ElementSize(dataType);
        for (var i = 0; i < values.Length; i++)
        {
            WriteInteger(dataType, raw.AsSpan(i * size, size), values[i]);
        }

        return new ConstantTensor(dataType, shape, raw, null);
    }

    /// <summary>A numeric constant of <paramref name="dataType"/> from real values (integers truncate toward zero).</summary>
    public static ConstantTensor FromDoubles(TensorDataType dataType, long[] shape, ReadOnlySpan<double> values)
    {
        if (!IsFloating(dataType))
        {
            var integers = new long[values.Length];
            for (var i = 0; i < values.Length; i++)
            {
                integers[i] = dataType == TensorDataType.Bool ? (values[i] != 0 ? 1 : 0) : (long)values[i];
            }

            return FromInt64s(dataType, shape, integers);
        }

        var raw = Allocate(dataType, shape, values.Length);
        var size = TensorDataTypes.ElementSize(dataType);
        for (var i = 0; i < values.Length; i++)
        {
            var slot = raw.AsSpan(i * size, size);
            switch (dataType)
            {
                case TensorDataType.Float:
                    BinaryPrimitives.WriteSingleLittleEndian(slot, (float)values[i]);
                    break;
                case TensorDataType.Double:
                    BinaryPrimitives.WriteDoubleLittleEndian(slot, values[i]);
                    break;
                default:
                    BinaryPrimitives.WriteHalfLittleEndian(slot, (Half)values[i]);
                    break;
            }
        }

        return new ConstantTensor(dataType, shape, raw, null);
    }

    public static bool IsFloating(TensorDataType type) => type is TensorDataType.Float or TensorDataType.Double or TensorDataType.Half;

    public static bool IsInteger(TensorDataType type) => type is TensorDataType.Int8 or TensorDataType.Int16
        or TensorDataType.Int32 or TensorDataType.Int64 or TensorDataType.UInt8 or TensorDataType.UInt16
        or TensorDataType.UInt32 or TensorDataType.UInt64;

    /// <summary>The values as longs (floats truncate, bools are 0/1).</summary>
    public long[] ToInt64s()
    {
        var raw = RawOrThrow();
        var count = checked((int)ElementCount);
        var size = TensorDataTypes.ElementSize(DataType);
        var values = new long[count];
        for (var i = 0; i < count; i++)
        {
            var slot = raw.AsSpan(i * size, size);
            values[i] = DataType switch
            {
                TensorDataType.Float => (long)BinaryPrimitives.ReadSingleLittleEndian(slot),
                TensorDataType.Double => (long)BinaryPrimitives.ReadDoubleLittleEndian(slot),
                TensorDataType.Half => (long)(float)BinaryPrimitives.ReadHalfLittleEndian(slot),
                _ => ReadInteger(DataType, slot),
            };
        }

        return values;
    }

    public double[] ToDoubles()
    {
        var raw = RawOrThrow();
        var count = checked((int)ElementCount);
        var size = TensorDataTypes.ElementSize(DataType);
        var values = new double[count];
        for (var i = 0; i < count; i++)
        {
            var slot = raw.AsSpan(i * size, size);
            values[i] = DataType switch
            {
                TensorDataType.Float => BinaryPrimitives.ReadSingleLittleEndian(slot),
                TensorDataType.Double => BinaryPrimitives.ReadDoubleLittleEndian(slot),
                TensorDataType.Half => (double)BinaryPrimitives.ReadHalfLittleEndian(slot),
                TensorDataType.UInt64 => BinaryPrimitives.ReadUInt64LittleEndian(slot),
                _ => ReadInteger(DataType, slot),
            };
        }

        return values;
    }

    /// <summary>The same values under another shape (element count unchanged).</summary>
    public ConstantTensor Reshaped(long[] shape)
    {
        if (Tensor.ElementCountOf(shape) != ElementCount)
        {
            throw new ArgumentException("reshape changes the element count", nameof(shape));
        }

        return new ConstantTensor(DataType, shape, _raw, _strings);
    }

    /// <summary>
    /// The ONNX initializer holding this value. Numeric data is wrapped, not copied: the bytes are this constant's
    /// own and never change, and weights can be large.
    /// </summary>
    public global::Onnx.TensorProto ToOnnx(string name)
    {
        if (_strings is not null)
        {
            return OnnxTensors.CreateStrings(name, Shape, _strings);
        }

        var tensor = new global::Onnx.TensorProto { Name = name, DataType = (int)OnnxDataTypes.ToOnnx(DataType), RawData = UnsafeByteOperations.UnsafeWrap(_raw) };
        tensor.Dims.AddRange(Shape);
        return tensor;
    }

    private byte[] RawOrThrow() => _raw ?? throw new ConversionException("a string constant where numbers are needed");

    private static byte[] Allocate(TensorDataType dataType, long[] shape, int count)
    {
        if (Tensor.ElementCountOf(shape) != count)
        {
            throw new ArgumentException($"{count} values do not fill shape [{string.Join(",", shape)}]");
        }

        // Strings and types NServe cannot hold (a mutated Cast's DstT) have no numeric slots: the node is at fault.
        if (dataType == TensorDataType.String || !TensorDataTypes.IsSupported(dataType))
        {
            throw new ConversionException($"{dataType} cannot hold numbers");
        }

        return new byte[count * TensorDataTypes.ElementSize(dataType)];
    }

    private static long ReadInteger(TensorDataType type, ReadOnlySpan<byte> slot) => type switch
    {
        TensorDataType.Int8 => (sbyte)slot[0],
        TensorDataType.UInt8 => slot[0],
        TensorDataType.Bool => slot[0] != 0 ? 1 : 0,
        TensorDataType.Int16 => BinaryPrimitives.ReadInt16LittleEndian(slot),
        TensorDataType.UInt16 => BinaryPrimitives.ReadUInt16LittleEndian(slot),
        TensorDataType.Int32 => BinaryPrimitives.ReadInt32LittleEndian(slot),
        TensorDataType.UInt32 => BinaryPrimitives.ReadUInt32LittleEndian(slot),
        TensorDataType.Int64 => BinaryPrimitives.ReadInt64LittleEndian(slot),
        TensorDataType.UInt64 => (long)BinaryPrimitives.ReadUInt64LittleEndian(slot),
        _ => throw new ConversionException($"{type} where an integer type is needed"),
    };

    private static void WriteInteger(TensorDataType type, Span<byte> slot, long value)
    {
        switch (type)
        {
            case TensorDataType.Int8:
            case TensorDataType.UInt8:
                slot[0] = unchecked((byte)value);
                break;
            case TensorDataType.Bool:
                slot[0] = value != 0 ? (byte)1 : (byte)0;
                break;
            case TensorDataType.Int16:
            case TensorDataType.UInt16:
                BinaryPrimitives.WriteInt16LittleEndian(slot, unchecked((short)value));
                break;
            case TensorDataType.Int32:
            case TensorDataType.UInt32:
                BinaryPrimitives.WriteInt32LittleEndian(slot, unchecked((int)value));
                break;
            case TensorDataType.Int64:
            case TensorDataType.UInt64:
                BinaryPrimitives.WriteInt64LittleEndian(slot, value);
                break;
            case TensorDataType.Float:
                BinaryPrimitives.WriteSingleLittleEndian(slot, value);
                break;
            case TensorDataType.Double:
                BinaryPrimitives.WriteDoubleLittleEndian(slot, value);
                break;
            case TensorDataType.Half:
                BinaryPrimitives.WriteHalfLittleEndian(slot, (Half)value);
                break;
            default:
                throw new ConversionException($"{type} cannot hold numbers");
        }
    }
}
