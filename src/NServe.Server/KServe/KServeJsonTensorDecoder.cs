using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using NServe.Core.Errors;
using NServe.Core.Tensors;

namespace NServe.Server.KServe;

/// <summary>
/// Decodes an input's <c>data</c> value (flat or nested JSON arrays, row-major) straight into the tensor's
/// buffer: numbers for numeric types (FP16 too, rounded from the JSON number), <c>true</c>/<c>false</c>
/// for BOOL, strings (their UTF-8 bytes) for BYTES. Nesting is not checked against the shape; the number
/// of elements is.
/// </summary>
public static class KServeJsonTensorDecoder
{
    /// <summary>
    /// Reads the value at the reader's current token (the array, or a lone element) and leaves the reader on
    /// its last token. <paramref name="remainingBytes"/> bounds how many elements the JSON can still hold, so a
    /// huge shape with little data fails before a huge buffer is taken.
    /// </summary>
    public static Tensor Decode(ref Utf8JsonReader reader, string name, TensorDataType type, long[] shape, long remainingBytes)
    {
        var count = KServeShapes.ElementCount(name, shape);

        // Every element needs at least one character and a separator.
        if (count > (remainingBytes + 1) / 2)
        {
            throw CountMismatch(name, shape, count, $"at most {(remainingBytes + 1) / 2}");
        }

        if (type == TensorDataType.String)
        {
            var strings = new byte[count][];
            var filled = Walk(ref reader, name, shape, count, new StringSink(strings));
            return filled == count ? Tensor.FromStrings(shape, strings) : throw CountMismatch(name, shape, count, filled.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        var tensor = Tensor.Allocate(type, shape);
        try
        {
            var filled = Walk(ref reader, name, shape, count, new NumericSink(type, tensor.Bytes.Span));
            if (filled != count)
            {
                throw CountMismatch(name, shape, count, filled.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            return tensor;
        }
        catch
        {
            tensor.Dispose();
            throw;
        }
    }

    private static long Walk<TSink>(ref Utf8JsonReader reader, string name, long[] shape, long count, TSink sink)
        where TSink : IElementSink, allows ref struct
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            if (count != 1)
            {
                throw CountMismatch(name, shape, count, "a single value");
            }

            sink.Put(ref reader, name, 0);
            return 1;
        }

        long index = 0;
        var depth = 0;
        do
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartArray:
                    depth++;
                    break;
                case JsonTokenType.EndArray:
                    depth--;
                    break;
                case JsonTokenType.StartObject:
                    throw ServingException.InvalidArgument($"input '{name}': data holds an object; expected numbers, booleans or strings");
                default:
                    if (index == count)
                    {
                        throw CountMismatch(name, shape, count, "more");
                    }

                    sink.Put(ref reader, name, index++);
                    break;
            }
        }
        while (depth > 0 && reader.Read());

        return index;
    }

    private static ServingException CountMismatch(string name, long[] shape, long count, string got) =>
        ServingException.InvalidArgument(
            $"input '{name}': shape {KServeShapes.Format(shape)} needs {count} elements, but data holds {got}");

    private interface IElementSink
    {
        void Put(ref Utf8JsonReader reader, string name, long index);
    }

    private readonly struct StringSink(byte[][] strings) : IElementSink
    {
        public void Put(ref Utf8JsonReader reader, string name, long index)
        {
            if (reader.TokenType != JsonTokenType.String)
            {
                throw ServingException.InvalidArgument($"input '{name}': BYTES data must be JSON strings; element {index} is {Describe(reader.TokenType)}");
            }

            strings[index] = Utf8String(ref reader);
        }
    }

    /// <summary>Writes each number into the tensor's bytes; the span is taken once, not per element.</summary>
    private readonly ref struct NumericSink(TensorDataType type, Span<byte> bytes) : IElementSink
    {
        private readonly Span<byte> _bytes = bytes;

        public void Put(ref Utf8JsonReader reader, string name, long index)
        {
            var i = (int)index;
            if (type == TensorDataType.Bool)
            {
                _bytes[i] = reader.TokenType switch
                {
                    JsonTokenType.True => 1,
                    JsonTokenType.False => 0,
                    _ => throw ServingException.InvalidArgument($"input '{name}': BOOL data must be true or false; element {index} is {Describe(reader.TokenType)}"),
                };
                return;
            }

            if (reader.TokenType != JsonTokenType.Number)
            {
                throw ServingException.InvalidArgument(
                    $"input '{name}': {KServeDataTypes.Name(type)} data must be JSON numbers; element {index} is {Describe(reader.TokenType)}");
            }

            bool ok;
            switch (type)
            {
                case TensorDataType.Float:
                    ok = reader.TryGetSingle(out var f) && float.IsFinite(f);
                    MemoryMarshal.Write(_bytes[(i * sizeof(float))..], in f);
                    break;
                case TensorDataType.Double:
                    ok = reader.TryGetDouble(out var d) && double.IsFinite(d);
                    MemoryMarshal.Write(_bytes[(i * sizeof(double))..], in d);
                    break;
                case TensorDataType.Half:
                    ok = reader.TryGetDouble(out var wide) && double.IsFinite(wide);
                    var h = (Half)wide;
                    MemoryMarshal.Write(_bytes[(i * 2)..], in h);
                    break;
                case TensorDataType.Int8:
                    ok = reader.TryGetSByte(out var i8);
                    _bytes[i] = (byte)i8;
                    break;
                case TensorDataType.Int16:
                    ok = reader.TryGetInt16(out var i16);
                    MemoryMarshal.Write(_bytes[(i * sizeof(short))..], in i16);
                    break;
                case TensorDataType.Int32:
                    ok = reader.TryGetInt32(out var i32);
                    MemoryMarshal.Write(_bytes[(i * sizeof(int))..], in i32);
                    break;
                case TensorDataType.Int64:
                    ok = reader.TryGetInt64(out var i64);
                    MemoryMarshal.Write(_bytes[(i * sizeof(long))..], in i64);
                    break;
                case TensorDataType.UInt8:
                    ok = reader.TryGetByte(out var u8);
                    _bytes[i] = u8;
                    break;
                case TensorDataType.UInt16:
                    ok = reader.TryGetUInt16(out var u16);
                    MemoryMarshal.Write(_bytes[(i * sizeof(ushort))..], in u16);
                    break;
                case TensorDataType.UInt32:
                    ok = reader.TryGetUInt32(out var u32);
                    MemoryMarshal.Write(_bytes[(i * sizeof(uint))..], in u32);
                    break;
                case TensorDataType.UInt64:
                    ok = reader.TryGetUInt64(out var u64);
                    MemoryMarshal.Write(_bytes[(i * sizeof(ulong))..], in u64);
                    break;
                default:
                    ok = false;
                    break;
            }

            if (!ok)
            {
                throw ServingException.InvalidArgument(
                    $"input '{name}': element {index} ({Encoding.UTF8.GetString(reader.ValueSpan)}) is not a valid {KServeDataTypes.Name(type)} value");
            }
        }
    }

    /// <summary>The string token's UTF-8 bytes, unescaped.</summary>
    internal static byte[] Utf8String(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped)
        {
            return reader.ValueSpan.ToArray();
        }

        // Unescaping never lengthens a string.
        var buffer = new byte[reader.ValueSpan.Length];
        var written = reader.CopyString(buffer);
        return written == buffer.Length ? buffer : buffer.AsSpan(0, written).ToArray();
    }

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => token.ToString(),
    };
}
