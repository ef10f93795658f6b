using System.Buffers;
using System.Buffers.Text;

namespace NServe.Server.Rest.Json;

/// <summary>
/// Decodes <c>{"b64": ...}</c> payloads with the leniency of absl's <c>Base64Unescape</c>, which TF Serving
/// uses: standard alphabet, whitespace anywhere ignored, padding (<c>=</c> or <c>.</c>) either absent or
/// exactly right. Canonical input takes the vectorised .NET decoder straight into an exactly sized array.
/// </summary>
internal static class Base64Decoder
{
    private static readonly sbyte[] Alphabet = BuildAlphabet();

    public static bool TryDecode(ReadOnlySpan<byte> text, out byte[] bytes)
    {
        if (text.Length % 4 == 0)
        {
            var padding = text.EndsWith("=="u8) ? 2 : text.EndsWith("="u8) ? 1 : 0;
            var result = new byte[(text.Length / 4 * 3) - padding];
            var status = Base64.DecodeFromUtf8(text, result, out var consumed, out var written);
            if (status == OperationStatus.Done && consumed == text.Length && written == result.Length)
            {
                bytes = result;
                return true;
            }
        }

        return TryDecodeLenient(text, out bytes);
    }

    private static bool TryDecodeLenient(ReadOnlySpan<byte> text, out byte[] bytes)
    {
        bytes = [];

        // absl reads up to a NUL byte (possible here only through a \u0000 escape).
        var nul = text.IndexOf((byte)0);
        if (nul >= 0)
        {
            text = text[..nul];
        }

        var dataChars = 0;
        var padding = 0;
        foreach (var c in text)
        {
            if (IsSpace(c))
            {
                continue;
            }

            if (c is (byte)'=' or (byte)'.')
            {
                padding++;
            }
            else if (padding > 0 || Alphabet[c] < 0)
            {
                // Data after padding, or a byte outside the alphabet.
                return false;
            }
            else
            {
                dataChars++;
            }
        }

        var leftover = dataChars % 4;
        var expectedPadding = leftover switch
        {
            0 => 0,
            2 => 2,
            3 => 1,
            _ => -1,
        };
        if (expectedPadding < 0 || (padding != 0 && padding != expectedPadding))
        {
            return false;
        }

        var result = new byte[(dataChars / 4 * 3) + (leftover == 0 ? 0 : leftover - 1)];
        var written = 0;
        var bits = 0u;
        var pending = 0;
        foreach (var c in text)
        {
            var value = Alphabet[c];
            if (value < 0)
            {
                continue;
            }

            bits = (bits << 6) | (byte)value;
            if (++pending == 4)
            {
                result[written++] = (byte)(bits >> 16);
                result[written++] = (byte)(bits >> 8);
                result[written++] = (byte)bits;
                bits = 0;
                pending = 0;
            }
        }

        if (pending == 2)
        {
            result[written] = (byte)(bits >> 4);
        }
        else if (pending == 3)
        {
            result[written++] = (byte)(bits >> 10);
            result[written] = (byte)(bits >> 2);
        }

        bytes = result;
        return true;
    }

    // absl's ascii_isspace: space, \t, \n, \v, \f, \r.
    private static bool IsSpace(byte c) => c == ' ' || (c >= '\t' && c <= '\r');

    private static sbyte[] BuildAlphabet()
    {
        var table = new sbyte[256];
        Array.Fill(table, (sbyte)-1);
        var letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"u8;
        for (var i = 0; i < letters.Length; i++)
        {
            table[letters[i]] = (sbyte)i;
        }

        return table;
    }
}
