using Google.Protobuf;
using Google.Protobuf.Collections;
using NServe.Core.Errors;
using NServe.Core.Tensors;
using Contents = global::Inference.InferTensorContents;

namespace NServe.Server.KServe;

/// <summary>
/// gRPC <c>InferTensorContents</c> ↔ tensors. Each datatype uses its one field (INT8/16/32 share
/// <c>int_contents</c>, UINT8/16/32 share <c>uint_contents</c>), narrower types are range-checked on the
/// way in, and FP16 has no typed field, so it travels only as raw contents.
/// </summary>
public static class GrpcTensorContents
{
    /// <summary>True when the message carries any element (an empty message counts as unset).</summary>
    public static bool HasElements(Contents? contents) => contents is not null && (
        contents.BoolContents.Count > 0 || contents.IntContents.Count > 0 || contents.Int64Contents.Count > 0
        || contents.UintContents.Count > 0 || contents.Uint64Contents.Count > 0 || contents.Fp32Contents.Count > 0
        || contents.Fp64Contents.Count > 0 || contents.BytesContents.Count > 0);

    public static Tensor ToTensor(string name, TensorDataType type, long[] shape, Contents? contents)
    {
        var count = KServeShapes.ElementCount(name, shape);
        contents ??= new Contents();
        CheckOnlyField(name, type, contents);
        switch (type)
        {
            case TensorDataType.String:
                Check(name, shape, count, contents.BytesContents.Count, "bytes_contents");
                var strings = new byte[count][];
                for (var i = 0; i < strings.Length; i++)
                {
                    strings[i] = contents.BytesContents[i].ToByteArray();
                }

                return Tensor.FromStrings(shape, strings);
            case TensorDataType.Bool:
                return Fill(name, shape, count, type, contents.BoolContents, "bool_contents", static (bool v, out byte r) => { r = v ? (byte)1 : (byte)0; return true; });
            case TensorDataType.Int8:
                return Fill(name, shape, count, type, contents.IntContents, "int_contents", static (int v, out sbyte r) => { r = (sbyte)v; return v is >= sbyte.MinValue and <= sbyte.MaxValue; });
            case TensorDataType.Int16:
                return Fill(name, shape, count, type, contents.IntContents, "int_contents", static (int v, out short r) => { r = (short)v; return v is >= short.MinValue and <= short.MaxValue; });
            case TensorDataType.Int32:
                return Copy(name, shape, count, type, contents.IntContents, "int_contents");
            case TensorDataType.Int64:
                return Copy(name, shape, count, type, contents.Int64Contents, "int64_contents");
            case TensorDataType.UInt8:
                return Fill(name, shape, count, type, contents.UintContents, "uint_contents", static (uint v, out byte r) => { r = (byte)v; return v <= byte.MaxValue; });
            case TensorDataType.UInt16:
                return Fill(name, shape, count, type, contents.UintContents, "uint_contents", static (uint v, out ushort r) => { r = (ushort)v; return v <= ushort.MaxValue; });
            case TensorDataType.UInt32:
                return Copy(name, shape, count, type, contents.UintContents, "uint_contents");
            case TensorDataType.UInt64:
                return Copy(name, shape, count, type, contents.Uint64Contents, "uint64_contents");
            case TensorDataType.Float:
                return Copy(name, shape, count, type, contents.Fp32Contents, "fp32_contents");
            case TensorDataType.Double:
                return Copy(name, shape, count, type, contents.Fp64Contents, "fp64_contents");
            default:
                throw ServingException.InvalidArgument(
                    $"input '{name}': {KServeDataTypes.Name(type)} has no typed contents field; send it in raw_input_contents");
        }
    }

    /// <summary>True when <paramref name="type"/> can go out in typed contents (FP16 cannot).</summary>
    public static bool HasTypedField(TensorDataType type) => type != TensorDataType.Half;

    public static Contents FromTensor(Tensor tensor)
    {
        var contents = new Contents();
        switch (tensor.DataType)
        {
            case TensorDataType.String:
                foreach (var element in tensor.Strings)
                {
                    contents.BytesContents.Add(ByteString.CopyFrom(element));
                }

                break;
            case TensorDataType.Bool:
                contents.BoolContents.Capacity = tensor.Bytes.Length;
                foreach (var b in tensor.Bytes.Span)
                {
                    contents.BoolContents.Add(b != 0);
                }

                break;
            case TensorDataType.Int8:
                Widen(contents.IntContents, tensor.AsSpan<sbyte>(), static v => v);
                break;
            case TensorDataType.Int16:
                Widen(contents.IntContents, tensor.AsSpan<short>(), static v => v);
                break;
            case TensorDataType.Int32:
                contents.IntContents.AddRange((ReadOnlySpan<int>)tensor.AsSpan<int>());
                break;
            case TensorDataType.Int64:
                contents.Int64Contents.AddRange((ReadOnlySpan<long>)tensor.AsSpan<long>());
                break;
            case TensorDataType.UInt8:
                Widen(contents.UintContents, tensor.AsSpan<byte>(), static v => v);
                break;
            case TensorDataType.UInt16:
                Widen(contents.UintContents, tensor.AsSpan<ushort>(), static v => v);
                break;
            case TensorDataType.UInt32:
                contents.UintContents.AddRange((ReadOnlySpan<uint>)tensor.AsSpan<uint>());
                break;
            case TensorDataType.UInt64:
                contents.Uint64Contents.AddRange((ReadOnlySpan<ulong>)tensor.AsSpan<ulong>());
                break;
            case TensorDataType.Float:
                contents.Fp32Contents.AddRange((ReadOnlySpan<float>)tensor.AsSpan<float>());
                break;
            case TensorDataType.Double:
                contents.Fp64Contents.AddRange((ReadOnlySpan<double>)tensor.AsSpan<double>());
                break;
            default:
                throw ServingException.Internal($"{tensor.DataType} has no typed v2 contents field");
        }

        return contents;
    }

    private delegate bool Narrow<TIn, TOut>(TIn value, out TOut result);

    private static Tensor Copy<T>(string name, long[] shape, long count, TensorDataType type, RepeatedField<T> field, string fieldName)
        where T : struct
    {
        Check(name, shape, count, field.Count, fieldName);
        var tensor = Tensor.Allocate(type, shape);
        var span = tensor.AsSpan<T>();
        for (var i = 0; i < span.Length; i++)
        {
            span[i] = field[i];
        }

        return tensor;
    }

    private static Tensor Fill<TIn, TOut>(
        string name, long[] shape, long count, TensorDataType type, RepeatedField<TIn> field, string fieldName, Narrow<TIn, TOut> narrow)
        where TOut : struct
    {
        Check(name, shape, count, field.Count, fieldName);
        var tensor = Tensor.Allocate(type, shape);
        var span = tensor.AsSpan<TOut>();
        for (var i = 0; i < span.Length; i++)
        {
            if (!narrow(field[i], out span[i]))
            {
                tensor.Dispose();
                throw ServingException.InvalidArgument(
                    $"input '{name}': element {i} ({field[i]}) is out of range for {KServeDataTypes.Name(type)}");
            }
        }

        return tensor;
    }

    private static void Widen<TIn, TOut>(RepeatedField<TOut> field, ReadOnlySpan<TIn> values, Func<TIn, TOut> widen)
    {
        field.Capacity = values.Length;
        foreach (var value in values)
        {
            field.Add(widen(value));
        }
    }

    private static void Check(string name, long[] shape, long count, int sent, string fieldName)
    {
        if (sent != count)
        {
            throw ServingException.InvalidArgument(
                $"input '{name}': shape {KServeShapes.Format(shape)} needs {count} elements, but {fieldName} holds {sent}");
        }
    }

    /// <summary>Elements in a field the datatype does not use would be silently lost; refuse them.</summary>
    private static void CheckOnlyField(string name, TensorDataType type, Contents contents)
    {
        var expected = type switch
        {
            TensorDataType.Bool => 1,
            TensorDataType.Int8 or TensorDataType.Int16 or TensorDataType.Int32 => 2,
            TensorDataType.Int64 => 3,
            TensorDataType.UInt8 or TensorDataType.UInt16 or TensorDataType.UInt32 => 4,
            TensorDataType.UInt64 => 5,
            TensorDataType.Float => 6,
            TensorDataType.Double => 7,
            TensorDataType.String => 8,
            _ => 0,
        };
        ReadOnlySpan<int> counts =
        [
            contents.BoolContents.Count, contents.IntContents.Count, contents.Int64Contents.Count, contents.UintContents.Count,
            contents.Uint64Contents.Count, contents.Fp32Contents.Count, contents.Fp64Contents.Count, contents.BytesContents.Count,
        ];
        ReadOnlySpan<string> fields = ["bool_contents", "int_contents", "int64_contents", "uint_contents", "uint64_contents", "fp32_contents", "fp64_contents", "bytes_contents"];
        for (var i = 0; i < counts.Length; i++)
        {
            if (counts[i] > 0 && i + 1 != expected)
            {
                throw ServingException.InvalidArgument(
                    $"input '{name}' is {KServeDataTypes.Name(type)} but carries {fields[i]}, which that datatype does not use");
            }
        }
    }
}
