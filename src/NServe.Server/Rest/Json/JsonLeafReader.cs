using NServe.Core.Tensors;

namespace NServe.Server.Rest.Json;

/// <summary>
/// Converts one JSON scalar into one tensor element, with TF Serving's acceptance rules: any number for
/// float/double (and half, which TF Serving refuses), integers (no fraction, no exponent) within the
/// type's range for integer types, <c>true</c>/<c>false</c> for bool, a string or <c>{"b64": ...}</c> for
/// string. Anything else is refused; the caller then asks <see cref="TensorValueChecker"/> for the message.
/// </summary>
internal static class JsonLeafReader
{
    /// <summary>Reads the scalar at the cursor (whose first byte is <paramref name="first"/>) into <paramref name="sink"/>.</summary>
    public static bool TryAppend(ref JsonCursor cursor, byte first, TensorDataType dataType, TensorAccumulator sink)
    {
        switch (dataType)
        {
            case TensorDataType.Float:
                if (!IsNumber(first))
                {
                    return false;
                }

                // rapidjson's GetFloat: the double, then narrowed.
                sink.Append((float)JsonNumberParser.ReadDouble(cursor.Json, ref cursor.Position));
                return true;
            case TensorDataType.Double:
                if (!IsNumber(first))
                {
                    return false;
                }

                sink.Append(JsonNumberParser.ReadDouble(cursor.Json, ref cursor.Position));
                return true;
            case TensorDataType.Half:
                if (!IsNumber(first))
                {
                    return false;
                }

                sink.Append((Half)JsonNumberParser.ReadDouble(cursor.Json, ref cursor.Position));
                return true;
            case TensorDataType.Int32:
                return TryReadInteger(ref cursor, first, int.MinValue, int.MaxValue, out var int32) && Append(sink, (int)int32);
            case TensorDataType.Int16:
                return TryReadInteger(ref cursor, first, short.MinValue, short.MaxValue, out var int16) && Append(sink, (short)int16);
            case TensorDataType.Int8:
                return TryReadInteger(ref cursor, first, sbyte.MinValue, sbyte.MaxValue, out var int8) && Append(sink, (sbyte)int8);
            case TensorDataType.UInt8:
                return TryReadInteger(ref cursor, first, 0, byte.MaxValue, out var uint8) && Append(sink, (byte)uint8);
            case TensorDataType.UInt16:
                return TryReadInteger(ref cursor, first, 0, ushort.MaxValue, out var uint16) && Append(sink, (ushort)uint16);
            case TensorDataType.UInt32:
                return TryReadInteger(ref cursor, first, 0, uint.MaxValue, out var uint32) && Append(sink, (uint)uint32);
            case TensorDataType.Int64:
                return TryReadInt64(ref cursor, first, out var int64) && Append(sink, int64);
            case TensorDataType.UInt64:
                return TryReadUInt64(ref cursor, first, out var uint64) && Append(sink, uint64);
            case TensorDataType.Bool:
                if (first == 't')
                {
                    cursor.Position += 4;
                    sink.Append((byte)1);
                    return true;
                }

                if (first == 'f')
                {
                    cursor.Position += 5;
                    sink.Append((byte)0);
                    return true;
                }

                return false;
            case TensorDataType.String:
                if (first == '"')
                {
                    var content = cursor.ReadString(out var hasEscapes);
                    sink.AppendString(JsonStrings.ToBytes(content, hasEscapes));
                    return true;
                }

                if (first == '{' && TryReadBase64Object(ref cursor, out var bytes))
                {
                    sink.AppendString(bytes);
                    return true;
                }

                return false;
            default:
                return false;
        }
    }

    /// <summary>True if the value at <paramref name="position"/> is exactly <c>{"b64": "&lt;string&gt;"}</c> (one member).</summary>
    public static bool IsBase64Object(ReadOnlySpan<byte> json, int position)
    {
        var cursor = new JsonCursor(json, position);
        return IsBase64Object(ref cursor, out _, out _);
    }

    /// <summary>
    /// Decodes the <c>{"b64": ...}</c> object at the cursor; false if it is not one or does not decode.
    /// </summary>
    public static bool TryReadBase64Object(ref JsonCursor cursor, out byte[] bytes)
    {
        bytes = [];
        if (!IsBase64Object(ref cursor, out var content, out var hasEscapes))
        {
            return false;
        }

        return hasEscapes
            ? Base64Decoder.TryDecode(JsonStrings.ToBytes(content, true), out bytes)
            : Base64Decoder.TryDecode(content, out bytes);
    }

    private static bool IsBase64Object(ref JsonCursor cursor, out ReadOnlySpan<byte> content, out bool hasEscapes)
    {
        content = default;
        hasEscapes = false;
        if (cursor.Peek() != '{' || !cursor.EnterObject())
        {
            return false;
        }

        var name = cursor.ReadMemberName(out var nameEscaped);
        if (!JsonStrings.ContentEquals(name, nameEscaped, "b64"u8) || cursor.Peek() != '"')
        {
            return false;
        }

        content = cursor.ReadString(out hasEscapes);
        return !cursor.NextItem();
    }

    private static bool IsNumber(byte first) =>
        first is not ((byte)'{' or (byte)'[' or (byte)'"' or (byte)'t' or (byte)'f' or (byte)'n');

    private static bool TryReadInteger(ref JsonCursor cursor, byte first, long min, long max, out long value)
    {
        value = 0;
        if (!IsNumber(first) || !JsonNumberParser.TryParseInteger(cursor.ReadNumber(), out var negative, out var magnitude))
        {
            return false;
        }

        if (magnitude > (ulong)max + (negative ? 1UL : 0UL))
        {
            return false;
        }

        value = negative ? -(long)magnitude : (long)magnitude;
        return value >= min;
    }

    private static bool TryReadInt64(ref JsonCursor cursor, byte first, out long value)
    {
        value = 0;
        if (!IsNumber(first) || !JsonNumberParser.TryParseInteger(cursor.ReadNumber(), out var negative, out var magnitude))
        {
            return false;
        }

        if (negative)
        {
            // TryParseInteger caps negatives at 2^63.
            value = (long)(0UL - magnitude);
            return true;
        }

        value = (long)magnitude;
        return magnitude <= long.MaxValue;
    }

    private static bool TryReadUInt64(ref JsonCursor cursor, byte first, out ulong value)
    {
        value = 0;
        if (!IsNumber(first) || !JsonNumberParser.TryParseInteger(cursor.ReadNumber(), out var negative, out var magnitude))
        {
            return false;
        }

        value = magnitude;
        return !negative || magnitude == 0;
    }

    private static bool Append<T>(TensorAccumulator sink, T value)
        where T : unmanaged
    {
        sink.Append(value);
        return true;
    }
}
