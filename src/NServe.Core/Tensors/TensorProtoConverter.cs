using System.Numerics;
using Google.Protobuf;
using Google.Protobuf.Collections;
using NServe.Core.Errors;
using Tensorflow;

namespace NServe.Core.Tensors;

/// <summary>
/// <see cref="TensorProto"/> ↔ <see cref="Tensor"/>, with TensorFlow's own rules (<c>Tensor::FromProto</c>,
/// <c>AsProtoField</c>, <c>AsProtoTensorContent</c>) so that any TF Serving client's tensors decode the same way.
/// </summary>
public static class TensorProtoConverter
{
    /// <summary>
    /// Decodes a tensor. <c>tensor_content</c>, when present, must hold exactly the elements (little-endian,
    /// row-major). Otherwise the typed field for the dtype is read: fewer values than elements repeat the last
    /// value, none gives zeros (empty strings), and values beyond the element count are ignored, as in TensorFlow.
    /// The caller owns (disposes) the returned tensor.
    /// </summary>
    public static Tensor ToTensor(TensorProto proto)
    {
        var dataType = ToDataType(proto.Dtype);
        var shape = TensorProtoShape.ToDims(proto.TensorShape);
        var count = Tensor.ElementCountOf(shape);

        if (dataType == TensorDataType.String)
        {
            return Tensor.FromStrings(shape, DecodeStrings(proto, count));
        }

        // Compared as a count, so a huge shape cannot overflow the byte size.
        var elementSize = TensorDataTypes.ElementSize(dataType);
        if (count > Array.MaxLength / elementSize)
        {
            throw ServingException.InvalidArgument(
                $"{TensorDataTypes.TfName(dataType)} tensor of shape {ShapeText(shape)} is too large ({count} elements of {elementSize} bytes)");
        }

        // tensor_content must back the declared shape exactly; checked before anything is allocated for it.
        var bytes = count * elementSize;
        if (!proto.TensorContent.IsEmpty && proto.TensorContent.Length != bytes)
        {
            throw ServingException.InvalidArgument(
                $"tensor_content holds {proto.TensorContent.Length} bytes but a {TensorDataTypes.TfName(dataType)} " +
                $"tensor of shape {ShapeText(shape)} needs {bytes}");
        }

        var tensor = Tensor.Allocate(dataType, shape);
        try
        {
            if (count == 0)
            {
                return tensor;
            }

            if (!proto.TensorContent.IsEmpty)
            {
                proto.TensorContent.Span.CopyTo(tensor.Bytes.Span);
            }
            else
            {
                FillFromTypedField(proto, tensor);
            }

            return tensor;
        }
        catch
        {
            tensor.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Encodes a tensor: the typed field for its dtype (TF Serving's default), or raw little-endian
    /// <c>tensor_content</c> when <paramref name="useTensorContent"/> (its
    /// <c>--enable_serialization_as_tensor_content</c>). String tensors always use <c>string_val</c>.
    /// </summary>
    public static TensorProto ToProto(Tensor tensor, bool useTensorContent = false)
    {
        var proto = new TensorProto
        {
            Dtype = (DataType)(int)tensor.DataType,
            TensorShape = TensorProtoShape.ToProto(tensor.Shape),
        };

        if (tensor.IsString)
        {
            var strings = tensor.Strings;
            proto.StringVal.Capacity = strings.Length;
            foreach (var s in strings)
            {
                // Tensor strings are never mutated after creation, so the proto may share them.
                proto.StringVal.Add(UnsafeByteOperations.UnsafeWrap(s));
            }

            return proto;
        }

        if (useTensorContent)
        {
            if (!tensor.Bytes.IsEmpty)
            {
                proto.TensorContent = ByteString.CopyFrom(tensor.Bytes.Span);
            }

            return proto;
        }

        switch (tensor.DataType)
        {
            case TensorDataType.Float:
                AddAll<float>(proto.FloatVal, tensor.AsSpan<float>());
                break;
            case TensorDataType.Double:
                AddAll<double>(proto.DoubleVal, tensor.AsSpan<double>());
                break;
            case TensorDataType.Int32:
                AddAll<int>(proto.IntVal, tensor.AsSpan<int>());
                break;
            case TensorDataType.Int64:
                AddAll<long>(proto.Int64Val, tensor.AsSpan<long>());
                break;
            case TensorDataType.UInt32:
                AddAll<uint>(proto.Uint32Val, tensor.AsSpan<uint>());
                break;
            case TensorDataType.UInt64:
                AddAll<ulong>(proto.Uint64Val, tensor.AsSpan<ulong>());
                break;
            case TensorDataType.UInt8:
                AddWidened<byte>(proto.IntVal, tensor.AsSpan<byte>());
                break;
            case TensorDataType.Int8:
                AddWidened<sbyte>(proto.IntVal, tensor.AsSpan<sbyte>());
                break;
            case TensorDataType.Int16:
                AddWidened<short>(proto.IntVal, tensor.AsSpan<short>());
                break;
            case TensorDataType.UInt16:
                AddWidened<ushort>(proto.IntVal, tensor.AsSpan<ushort>());
                break;
            case TensorDataType.Half:
                // The half's bits, zero-extended, as TensorFlow writes half_val.
                AddWidened<ushort>(proto.HalfVal, tensor.AsSpan<ushort>());
                break;
            case TensorDataType.Bool:
                AddBools(proto.BoolVal, tensor.AsSpan<byte>());
                break;
            default:
                throw ServingException.InvalidArgument($"cannot encode a tensor of type {tensor.DataType}");
        }

        return proto;
    }

    /// <summary>The NServe type for a proto dtype, or InvalidArgument naming the unsupported type.</summary>
    public static TensorDataType ToDataType(DataType dtype)
    {
        var type = (TensorDataType)(int)dtype;
        if (dtype == DataType.DtInvalid)
        {
            throw ServingException.InvalidArgument("tensor dtype is DT_INVALID (not set)");
        }

        if (!TensorDataTypes.IsSupported(type))
        {
            throw ServingException.InvalidArgument(
                $"tensor dtype {DataTypeName(dtype)} is not supported; supported types are DT_FLOAT, DT_DOUBLE, " +
                "DT_HALF, DT_INT8, DT_INT16, DT_INT32, DT_INT64, DT_UINT8, DT_UINT16, DT_UINT32, DT_UINT64, DT_BOOL " +
                "and DT_STRING");
        }

        return type;
    }

    /// <summary>TensorFlow's name for any proto dtype (<c>DT_COMPLEX64</c>), or its number when unknown.</summary>
    public static string DataTypeName(DataType dtype) =>
        TypesReflection.Descriptor.EnumTypes[0].FindValueByNumber((int)dtype)?.Name ?? $"dtype {(int)dtype}";

    private static void FillFromTypedField(TensorProto proto, Tensor tensor)
    {
        switch (tensor.DataType)
        {
            case TensorDataType.Float:
                FillSame(proto.FloatVal, tensor.AsSpan<float>());
                break;
            case TensorDataType.Double:
                FillSame(proto.DoubleVal, tensor.AsSpan<double>());
                break;
            case TensorDataType.Int32:
                FillSame(proto.IntVal, tensor.AsSpan<int>());
                break;
            case TensorDataType.Int64:
                FillSame(proto.Int64Val, tensor.AsSpan<long>());
                break;
            case TensorDataType.UInt32:
                FillSame(proto.Uint32Val, tensor.AsSpan<uint>());
                break;
            case TensorDataType.UInt64:
                FillSame(proto.Uint64Val, tensor.AsSpan<ulong>());
                break;
            case TensorDataType.UInt8:
                FillNarrowed(proto.IntVal, tensor.AsSpan<byte>());
                break;
            case TensorDataType.Int8:
                FillNarrowed(proto.IntVal, tensor.AsSpan<sbyte>());
                break;
            case TensorDataType.Int16:
                FillNarrowed(proto.IntVal, tensor.AsSpan<short>());
                break;
            case TensorDataType.UInt16:
                FillNarrowed(proto.IntVal, tensor.AsSpan<ushort>());
                break;
            case TensorDataType.Half:
                // half_val holds the 16 bits in the low half of each int32.
                FillNarrowed(proto.HalfVal, tensor.AsSpan<ushort>());
                break;
            case TensorDataType.Bool:
                FillBools(proto.BoolVal, tensor.AsSpan<byte>());
                break;
            default:
                throw ServingException.InvalidArgument($"cannot decode a tensor of type {tensor.DataType}");
        }
    }

    // TensorFlow's FromProtoField: copy what is there, repeat the last value, zeros when empty, ignore extras.
    private static void FillSame<T>(RepeatedField<T> values, Span<T> destination)
        where T : struct
    {
        var copied = Math.Min(values.Count, destination.Length);
        for (var i = 0; i < copied; i++)
        {
            destination[i] = values[i];
        }

        destination[copied..].Fill(copied == 0 ? default : destination[copied - 1]);
    }

    // int_val and half_val carry narrower types in int32; TensorFlow truncates them with a plain cast.
    private static void FillNarrowed<T>(RepeatedField<int> values, Span<T> destination)
        where T : struct, IBinaryInteger<T>
    {
        var copied = Math.Min(values.Count, destination.Length);
        for (var i = 0; i < copied; i++)
        {
            destination[i] = T.CreateTruncating(values[i]);
        }

        destination[copied..].Fill(copied == 0 ? T.Zero : destination[copied - 1]);
    }

    private static void FillBools(RepeatedField<bool> values, Span<byte> destination)
    {
        var copied = Math.Min(values.Count, destination.Length);
        for (var i = 0; i < copied; i++)
        {
            destination[i] = values[i] ? (byte)1 : (byte)0;
        }

        destination[copied..].Fill(copied == 0 ? (byte)0 : destination[copied - 1]);
    }

    private static void AddAll<T>(RepeatedField<T> field, ReadOnlySpan<T> values)
        where T : struct
    {
        field.Capacity = field.Count + values.Length;
        foreach (var value in values)
        {
            field.Add(value);
        }
    }

    private static void AddWidened<T>(RepeatedField<int> field, ReadOnlySpan<T> values)
        where T : struct, IBinaryInteger<T>
    {
        field.Capacity = field.Count + values.Length;
        foreach (var value in values)
        {
            field.Add(int.CreateTruncating(value));
        }
    }

    private static void AddBools(RepeatedField<bool> field, ReadOnlySpan<byte> values)
    {
        field.Capacity = field.Count + values.Length;
        foreach (var value in values)
        {
            field.Add(value != 0);
        }
    }

    private static byte[][] DecodeStrings(TensorProto proto, long count)
    {
        if (count > Array.MaxLength)
        {
            throw ServingException.InvalidArgument($"a DT_STRING tensor of {count} elements is too large");
        }

        // Each string in tensor_content takes at least its one-byte length prefix.
        if (!proto.TensorContent.IsEmpty && count > proto.TensorContent.Length)
        {
            throw ServingException.InvalidArgument(
                $"tensor_content of a DT_STRING tensor holds {proto.TensorContent.Length} bytes, too few for {count} strings");
        }

        var strings = new byte[count][];
        if (count == 0)
        {
            return strings;
        }

        if (!proto.TensorContent.IsEmpty)
        {
            DecodeStringList(proto.TensorContent.Span, strings);
            return strings;
        }

        var values = proto.StringVal;
        var copied = (int)Math.Min(values.Count, count);
        for (var i = 0; i < copied; i++)
        {
            strings[i] = values[i].ToByteArray();
        }

        // Elements are immutable byte strings, so repeating the last one shares the array.
        Array.Fill(strings, copied == 0 ? [] : strings[copied - 1], copied, strings.Length - copied);
        return strings;
    }

    // TensorFlow's string tensor_content (port::DecodeStringList): every length as a varint32, then every
    // string's bytes, with nothing left over.
    private static void DecodeStringList(ReadOnlySpan<byte> content, byte[][] strings)
    {
        var lengths = new uint[strings.Length];
        var position = 0;
        long total = 0;
        for (var i = 0; i < lengths.Length; i++)
        {
            if (!TryReadVarint32(content, ref position, out lengths[i]))
            {
                throw ServingException.InvalidArgument("tensor_content of a DT_STRING tensor has a malformed length prefix");
            }

            total += lengths[i];
        }

        if (total != content.Length - position)
        {
            throw ServingException.InvalidArgument(
                $"tensor_content of a DT_STRING tensor declares {total} bytes of strings but holds {content.Length - position}");
        }

        for (var i = 0; i < lengths.Length; i++)
        {
            var length = (int)lengths[i];
            strings[i] = content.Slice(position, length).ToArray();
            position += length;
        }
    }

    private static bool TryReadVarint32(ReadOnlySpan<byte> data, ref int position, out uint value)
    {
        value = 0;
        for (var shift = 0; shift <= 28; shift += 7)
        {
            if (position >= data.Length)
            {
                return false;
            }

            var b = data[position++];
            value |= (uint)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return true;
            }
        }

        return false;
    }

    private static string ShapeText(long[] shape) => "[" + string.Join(",", shape) + "]";
}
