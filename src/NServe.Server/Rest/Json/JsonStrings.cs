using System.Buffers;
using System.Text;

namespace NServe.Server.Rest.Json;

/// <summary>
/// Turns the raw content of a JSON string (between its quotes, already validated) into the bytes it
/// stands for: escapes resolved, <c>\uXXXX</c> (and surrogate pairs) encoded as UTF-8, everything else
/// copied as is, since TF Serving treats strings as bytes.
/// </summary>
internal static class JsonStrings
{
    private const int StackLimit = 256;

    public static int HexValue(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => -1,
    };

    /// <summary>Resolves escapes into <paramref name="destination"/>, which must be at least as long as the content.</summary>
    public static int Unescape(ReadOnlySpan<byte> content, Span<byte> destination)
    {
        var written = 0;
        var i = 0;
        while (i < content.Length)
        {
            var slash = content[i..].IndexOf((byte)'\\');
            if (slash < 0)
            {
                content[i..].CopyTo(destination[written..]);
                return written + content.Length - i;
            }

            content.Slice(i, slash).CopyTo(destination[written..]);
            written += slash;
            i += slash + 1;
            var escaped = content[i++];
            switch (escaped)
            {
                case (byte)'b':
                    destination[written++] = (byte)'\b';
                    break;
                case (byte)'f':
                    destination[written++] = (byte)'\f';
                    break;
                case (byte)'n':
                    destination[written++] = (byte)'\n';
                    break;
                case (byte)'r':
                    destination[written++] = (byte)'\r';
                    break;
                case (byte)'t':
                    destination[written++] = (byte)'\t';
                    break;
                case (byte)'u':
                    var codePoint = Hex4(content.Slice(i, 4));
                    i += 4;
                    if (codePoint is >= 0xD800 and <= 0xDBFF)
                    {
                        // The syntax pass guaranteed a \uDC00-\uDFFF follows.
                        var low = Hex4(content.Slice(i + 2, 4));
                        i += 6;
                        codePoint = 0x10000 + ((codePoint - 0xD800) << 10) + (low - 0xDC00);
                    }

                    written += new Rune(codePoint).EncodeToUtf8(destination[written..]);
                    break;
                default:
                    // '"', '\\' and '/' stand for themselves.
                    destination[written++] = escaped;
                    break;
            }
        }

        return written;
    }

    /// <summary>The bytes a JSON string's content stands for, as a new array.</summary>
    public static byte[] ToBytes(ReadOnlySpan<byte> content, bool hasEscapes)
    {
        if (!hasEscapes)
        {
            return content.ToArray();
        }

        byte[]? rented = null;
        var buffer = content.Length <= StackLimit
            ? stackalloc byte[StackLimit]
            : (rented = ArrayPool<byte>.Shared.Rent(content.Length));
        try
        {
            return buffer[..Unescape(content, buffer)].ToArray();
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>A JSON string's content as .NET text (invalid UTF-8 becomes U+FFFD).</summary>
    public static string ToText(ReadOnlySpan<byte> content, bool hasEscapes) =>
        hasEscapes ? Encoding.UTF8.GetString(ToBytes(content, true)) : Encoding.UTF8.GetString(content);

    /// <summary>True if the string content stands for exactly <paramref name="utf8"/>.</summary>
    public static bool ContentEquals(ReadOnlySpan<byte> content, bool hasEscapes, ReadOnlySpan<byte> utf8)
    {
        if (!hasEscapes)
        {
            return content.SequenceEqual(utf8);
        }

        // Escapes only ever shorten the content, so a shorter content cannot match.
        if (content.Length < utf8.Length)
        {
            return false;
        }

        byte[]? rented = null;
        var buffer = content.Length <= StackLimit
            ? stackalloc byte[StackLimit]
            : (rented = ArrayPool<byte>.Shared.Rent(content.Length));
        try
        {
            return buffer[..Unescape(content, buffer)].SequenceEqual(utf8);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private static int Hex4(ReadOnlySpan<byte> digits) =>
        (HexValue(digits[0]) << 12) | (HexValue(digits[1]) << 8) | (HexValue(digits[2]) << 4) | HexValue(digits[3]);
}
