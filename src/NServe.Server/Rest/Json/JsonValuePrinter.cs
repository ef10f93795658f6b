using System.Buffers;
using System.Text;

namespace NServe.Server.Rest.Json;

/// <summary>
/// Prints a JSON value for an error message the way TF Serving's <c>JsonValueToString</c> does: rapidjson's
/// PrettyWriter (4-space indent), a scalar number in TF's decimal format, and writing stops once about
/// 256 bytes are out (so the text may be cut mid-value; a longer string is cut too). A nested NaN or
/// Infinity also stops it, as rapidjson's writer refuses those.
/// </summary>
internal static class JsonValuePrinter
{
    private const int Limit = 256;

    // rapidjson's Value::IsFloat range test.
    private const double FloatRange = 3.4028234e38;

    public static string Print(ReadOnlySpan<byte> json, int start)
    {
        var buffer = new ArrayBufferWriter<byte>(Limit * 2);
        var output = new JsonOutput(buffer);
        var cursor = new JsonCursor(json, start);
        if (IsNumberStart(cursor.Peek()))
        {
            var token = cursor.ReadNumber();
            if (JsonNumberParser.TryParseInteger(token, out var negative, out var magnitude))
            {
                WriteInteger(ref output, negative, magnitude);
            }
            else
            {
                var value = JsonNumberParser.ParseDouble(token);
                var room = output.Reserve(TfDecimalFormatter.MaxLength);
                output.Advance(value is >= -FloatRange and <= FloatRange
                    ? TfDecimalFormatter.Format((float)value, room)
                    : TfDecimalFormatter.Format(value, room));
            }
        }
        else
        {
            PrintValue(ref cursor, ref output, 0);
        }

        output.Flush();
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>The JSON type name TF Serving prints (<c>JsonTypeString</c>).</summary>
    public static string TypeName(byte firstByte) => firstByte switch
    {
        (byte)'n' => "Null",
        (byte)'f' => "False",
        (byte)'t' => "True",
        (byte)'{' => "Object",
        (byte)'[' => "Array",
        (byte)'"' => "String",
        _ => "Number",
    };

    private static bool IsNumberStart(byte b) => b is not ((byte)'{' or (byte)'[' or (byte)'"' or (byte)'t' or (byte)'f' or (byte)'n');

    /// <summary>Writes the value at the cursor; false once the output is full (or a non-finite number stops it).</summary>
    private static bool PrintValue(ref JsonCursor cursor, ref JsonOutput output, int level)
    {
        switch (cursor.Peek())
        {
            case (byte)'{':
                output.WriteByte((byte)'{');
                if (!cursor.EnterObject())
                {
                    output.WriteByte((byte)'}');
                    return true;
                }

                var firstMember = true;
                do
                {
                    if (output.Written >= Limit)
                    {
                        return false;
                    }

                    var name = cursor.ReadMemberName(out var hasEscapes);
                    output.WriteRaw(firstMember ? "\n"u8 : ",\n"u8);
                    WriteIndent(ref output, level + 1);
                    if (!WriteString(ref output, name, hasEscapes))
                    {
                        return false;
                    }

                    output.WriteRaw(": "u8);
                    firstMember = false;
                    if (!PrintValue(ref cursor, ref output, level + 1))
                    {
                        return false;
                    }
                }
                while (cursor.NextItem());

                output.WriteByte((byte)'\n');
                WriteIndent(ref output, level);
                output.WriteByte((byte)'}');
                return true;

            case (byte)'[':
                output.WriteByte((byte)'[');
                cursor.Advance();
                if (cursor.Peek() == ']')
                {
                    cursor.Advance();
                    output.WriteByte((byte)']');
                    return true;
                }

                var firstElement = true;
                do
                {
                    if (output.Written >= Limit)
                    {
                        return false;
                    }

                    output.WriteRaw(firstElement ? "\n"u8 : ",\n"u8);
                    WriteIndent(ref output, level + 1);
                    firstElement = false;
                    if (!PrintValue(ref cursor, ref output, level + 1))
                    {
                        return false;
                    }
                }
                while (cursor.NextItem());

                output.WriteByte((byte)'\n');
                WriteIndent(ref output, level);
                output.WriteByte((byte)']');
                return true;

            case (byte)'"':
                var content = cursor.ReadString(out var escaped);
                return WriteString(ref output, content, escaped);

            case (byte)'t':
                cursor.SkipValue();
                output.WriteRaw("true"u8);
                return true;

            case (byte)'f':
                cursor.SkipValue();
                output.WriteRaw("false"u8);
                return true;

            case (byte)'n':
                cursor.SkipValue();
                output.WriteRaw("null"u8);
                return true;

            default:
                var token = cursor.ReadNumber();
                if (JsonNumberParser.TryParseInteger(token, out var negative, out var magnitude))
                {
                    WriteInteger(ref output, negative, magnitude);
                    return true;
                }

                var value = JsonNumberParser.ParseDouble(token);
                if (!double.IsFinite(value))
                {
                    return false;
                }

                WriteRapidJsonDouble(ref output, value);
                return true;
        }
    }

    /// <summary>Writes a string, but only its first bytes (and no closing quote) if it would not fit the limit.</summary>
    private static bool WriteString(ref JsonOutput output, ReadOnlySpan<byte> content, bool hasEscapes)
    {
        var bytes = hasEscapes ? JsonStrings.ToBytes(content, true) : content;
        output.WriteByte((byte)'"');
        if (bytes.Length > Limit)
        {
            output.WriteStringContent(bytes[..Limit]);
            return false;
        }

        output.WriteStringContent(bytes);
        output.WriteByte((byte)'"');
        return true;
    }

    private static void WriteInteger(ref JsonOutput output, bool negative, ulong magnitude)
    {
        if (negative && magnitude != 0)
        {
            output.WriteByte((byte)'-');
        }

        var room = output.Reserve(20);
        System.Buffers.Text.Utf8Formatter.TryFormat(magnitude, room, out var written);
        output.Advance(written);
    }

    private static void WriteRapidJsonDouble(ref JsonOutput output, double value)
    {
        if (value == 0)
        {
            output.WriteRaw(double.IsNegative(value) ? "-0.0"u8 : "0.0"u8);
            return;
        }

        Span<byte> text = stackalloc byte[TfDecimalFormatter.MaxLength];
        Span<byte> digits = stackalloc byte[TfDecimalFormatter.MaxLength];
        value.TryFormat(text, out var length, default, System.Globalization.CultureInfo.InvariantCulture);
        var parsed = DecimalDigits.Parse(text[..length], digits);
        var room = output.Reserve(TfDecimalFormatter.MaxLength);
        output.Advance(parsed.WriteRapidJson(room));
    }

    private static void WriteIndent(ref JsonOutput output, int level)
    {
        var room = output.Reserve(level * 4);
        room[..(level * 4)].Fill((byte)' ');
        output.Advance(level * 4);
    }
}
