using System.Globalization;

namespace NServe.Server.Rest.Json;

/// <summary>
/// Reads JSON number tokens the way rapidjson classifies them: a token without fraction or exponent that
/// fits 64 bits is an integer (so <c>1.0</c> is not an int32, and <c>-0</c> is the integer 0), anything
/// else is a double. Doubles are parsed exactly (correctly rounded).
/// </summary>
internal static class JsonNumberParser
{
    private const ulong MaxExactMantissa = 1UL << 53;

    private static readonly double[] PowersOfTen =
    [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
        1e20, 1e21, 1e22,
    ];

    /// <summary>
    /// True if the token is an integer rapidjson stores as such: non-negative up to 2^64-1, negative down to
    /// -2^63. <paramref name="magnitude"/> is the absolute value.
    /// </summary>
    public static bool TryParseInteger(ReadOnlySpan<byte> token, out bool negative, out ulong magnitude)
    {
        magnitude = 0;
        negative = token[0] == '-';
        var i = negative ? 1 : 0;
        if (i >= token.Length || (uint)(token[i] - '0') > 9)
        {
            return false;
        }

        for (; i < token.Length; i++)
        {
            var digit = (uint)(token[i] - '0');
            if (digit > 9)
            {
                return false;
            }

            if (magnitude > (ulong.MaxValue - digit) / 10)
            {
                return false;
            }

            magnitude = magnitude * 10 + digit;
        }

        return !negative || magnitude <= 1UL << 63;
    }

    /// <summary>The token's value as a double (rapidjson's <c>GetDouble</c>); NaN and Infinity tokens included.</summary>
    public static double ParseDouble(ReadOnlySpan<byte> token)
    {
        var position = 0;
        return ReadDouble(token, ref position);
    }

    /// <summary>
    /// Reads the (validated) number at <paramref name="position"/> as a double and moves past it: one pass
    /// that scans and converts. Decimals whose digits fit a double's 53-bit mantissa and whose scale is at
    /// most 10^22 take Clinger's fast path (one exact multiplication or division, so correctly rounded),
    /// which covers typical tensor data; the rest go to the full parser.
    /// </summary>
    public static double ReadDouble(ReadOnlySpan<byte> json, ref int position)
    {
        var start = position;
        var i = start;
        var negative = json[i] == '-';
        if (negative)
        {
            i++;
        }

        var first = json[i];
        if (first == 'N')
        {
            position = i + 3;
            return double.NaN;
        }

        if (first == 'I')
        {
            position = i + (i + 3 < json.Length && json[i + 3] == 'i' ? 8 : 3);
            return negative ? double.NegativeInfinity : double.PositiveInfinity;
        }

        ulong mantissa = 0;
        var significantDigits = 0;
        var scale = 0;
        uint digit;
        while ((uint)i < (uint)json.Length && (digit = (uint)(json[i] - '0')) <= 9)
        {
            mantissa = (mantissa * 10) + digit;
            if (mantissa != 0)
            {
                significantDigits++;
            }

            i++;
            if (significantDigits == 19)
            {
                return ReadLongNumber(json, start, ref position);
            }
        }

        var isInteger = true;
        if ((uint)i < (uint)json.Length && json[i] == '.')
        {
            isInteger = false;
            i++;
            while ((uint)i < (uint)json.Length && (digit = (uint)(json[i] - '0')) <= 9)
            {
                mantissa = (mantissa * 10) + digit;
                if (mantissa != 0)
                {
                    significantDigits++;
                }

                scale--;
                i++;
                if (significantDigits == 19)
                {
                    return ReadLongNumber(json, start, ref position);
                }
            }
        }

        if ((uint)i < (uint)json.Length && (json[i] | 0x20) == 'e')
        {
            isInteger = false;
            i++;
            var negativeExponent = json[i] == '-';
            if (json[i] is (byte)'+' or (byte)'-')
            {
                i++;
            }

            var exponent = 0;
            while ((uint)i < (uint)json.Length && (digit = (uint)(json[i] - '0')) <= 9)
            {
                exponent = Math.Min((exponent * 10) + (int)digit, 100_000);
                i++;
            }

            scale += negativeExponent ? -exponent : exponent;
        }

        position = i;
        if (isInteger)
        {
            // An integer token is stored as an integer: -0 is plain 0.
            var integer = (double)mantissa;
            return negative && mantissa != 0 ? -integer : integer;
        }

        if (mantissa <= MaxExactMantissa && scale is >= -22 and <= 22)
        {
            var value = scale < 0 ? mantissa / PowersOfTen[-scale] : mantissa * PowersOfTen[scale];
            return negative ? -value : value;
        }

        return double.Parse(json[start..i], NumberStyles.Float, CultureInfo.InvariantCulture);
    }

    // More digits than a ulong holds exactly: find the token's end and let the full parser have it.
    private static double ReadLongNumber(ReadOnlySpan<byte> json, int start, ref int position)
    {
        var i = start + 1;
        while ((uint)i < (uint)json.Length && json[i] is (>= (byte)'0' and <= (byte)'9') or (byte)'.' or (byte)'e' or (byte)'E' or (byte)'+' or (byte)'-')
        {
            i++;
        }

        position = i;
        return double.Parse(json[start..i], NumberStyles.Float, CultureInfo.InvariantCulture);
    }
}
