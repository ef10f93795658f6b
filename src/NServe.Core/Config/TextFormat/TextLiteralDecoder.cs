using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;

namespace NServe.Core.Config.TextFormat;

/// <summary>
/// Decodes the body of a quoted text-format literal into bytes, as C++ Tokenizer::ParseStringAppend does:
/// C escapes, octal (up to three digits, truncated to a byte), hex (up to two digits), <c>\u</c>/<c>\U</c>
/// code points written as UTF-8 (a <c>\u</c> surrogate pair joined into one code point). Unescaped
/// characters are written as UTF-8. The tokenizer has already validated the escapes.
/// </summary>
internal static class TextLiteralDecoder
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Append(ReadOnlySpan<char> body, ArrayBufferWriter<byte> output)
    {
        int i = 0;
        while (i < body.Length)
        {
            int backslash = body[i..].IndexOf('\\');
            int runEnd = backslash < 0 ? body.Length : i + backslash;
            if (runEnd > i)
            {
                ReadOnlySpan<char> run = body[i..runEnd];
                Span<byte> destination = output.GetSpan(Encoding.UTF8.GetMaxByteCount(run.Length));
                output.Advance(Encoding.UTF8.GetBytes(run, destination));
            }

            if (backslash < 0)
            {
                return;
            }

            i = runEnd + 1;
            if (i >= body.Length)
            {
                return;
            }

            char e = body[i++];
            switch (e)
            {
                case >= '0' and <= '7':
                    {
                        int code = e - '0';
                        for (int n = 0; n < 2 && i < body.Length && body[i] is >= '0' and <= '7'; n++)
                        {
                            code = (code * 8) + (body[i++] - '0');
                        }

                        AppendByte(output, (byte)code);
                        break;
                    }

                case 'x' or 'X':
                    {
                        int code = 0;
                        for (int n = 0; n < 2 && i < body.Length && char.IsAsciiHexDigit(body[i]); n++)
                        {
                            code = (code * 16) + HexValue(body[i++]);
                        }

                        AppendByte(output, (byte)code);
                        break;
                    }

                case 'u' or 'U':
                    {
                        int digits = e == 'u' ? 4 : 8;
                        if (!TryReadHex(body, i, digits, out uint codePoint))
                        {
                            AppendByte(output, (byte)e);
                            break;
                        }

                        i += digits;
                        if (codePoint is >= 0xD800 and < 0xDC00 && i + 1 < body.Length && body[i] == '\\' && body[i + 1] == 'u'
                            && TryReadHex(body, i + 2, 4, out uint trail) && trail is >= 0xDC00 and < 0xE000)
                        {
                            codePoint = 0x10000 + ((codePoint - 0xD800) << 10 | (trail - 0xDC00));
                            i += 6;
                        }

                        AppendCodePoint(output, codePoint);
                        break;
                    }

                default:
                    AppendByte(output, Translate(e));
                    break;
            }
        }
    }

    private static byte Translate(char e) => e switch
    {
        'a' => 0x07,
        'b' => 0x08,
        'f' => 0x0C,
        'n' => 0x0A,
        'r' => 0x0D,
        't' => 0x09,
        'v' => 0x0B,
        '\\' => (byte)'\\',
        '?' => (byte)'?',
        '\'' => (byte)'\'',
        '"' => (byte)'"',
        _ => (byte)'?',
    };

    // Lone surrogates are written as their 3-byte form, and values past 0x10ffff as the literal escape,
    // exactly as C++ AppendUTF8 does.
    private static void AppendCodePoint(ArrayBufferWriter<byte> output, uint cp)
    {
        Span<byte> b = output.GetSpan(10);
        int length;
        if (cp <= 0x7F)
        {
            b[0] = (byte)cp;
            length = 1;
        }
        else if (cp <= 0x7FF)
        {
            b[0] = (byte)(0xC0 | (cp >> 6));
            b[1] = (byte)(0x80 | (cp & 0x3F));
            length = 2;
        }
        else if (cp <= 0xFFFF)
        {
            b[0] = (byte)(0xE0 | (cp >> 12));
            b[1] = (byte)(0x80 | ((cp >> 6) & 0x3F));
            b[2] = (byte)(0x80 | (cp & 0x3F));
            length = 3;
        }
        else if (cp <= 0x10FFFF)
        {
            b[0] = (byte)(0xF0 | (cp >> 18));
            b[1] = (byte)(0x80 | ((cp >> 12) & 0x3F));
            b[2] = (byte)(0x80 | ((cp >> 6) & 0x3F));
            b[3] = (byte)(0x80 | (cp & 0x3F));
            length = 4;
        }
        else
        {
            length = Encoding.ASCII.GetBytes($"\\U{cp:x8}", b);
        }

        output.Advance(length);
    }

    private static void AppendByte(ArrayBufferWriter<byte> output, byte value)
    {
        output.GetSpan(1)[0] = value;
        output.Advance(1);
    }

    private static bool TryReadHex(ReadOnlySpan<char> body, int start, int count, out uint value)
    {
        value = 0;
        if (start + count > body.Length)
        {
            return false;
        }

        for (int k = start; k < start + count; k++)
        {
            if (!char.IsAsciiHexDigit(body[k]))
            {
                return false;
            }

            value = (value << 4) + (uint)HexValue(body[k]);
        }

        return true;
    }

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}
