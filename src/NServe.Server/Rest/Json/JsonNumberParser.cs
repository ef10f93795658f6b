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
        if (TryParseInteger(token, out var negative, out var magnitude))
        {
            // An integer token is stored as an integer: -0 is plain 0.
            var value = (double)magnitude;
            return negative && magnitude != 0 ? -value : value;
        }

        var last = token[^1];
        if (last == 'N')
        {
            return double.NaN;
        }

        if (last is (byte)'f' or (byte)'y')
        {
            return token[0] == '-' ? double.NegativeInfinity : double.PositiveInfinity;
        }

        return TryParseShortDecimal(token, out var exact)
            ? exact
            : double.Parse(token, NumberStyles.Float, CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Clinger's fast path: a decimal whose digits fit a double's 53-bit mantissa, scaled by at most
    /// 10^22, is one exact multiplication or division, hence correctly rounded. Covers typical tensor data.
    /// </summary>
    private static bool TryParseShortDecimal(ReadOnlySpan<byte> token, out double value)
    {
        value = 0;
        var negative = token[0] == '-';
        var i = negative ? 1 : 0;
        ulong mantissa = 0;
        var digits = 0;
        var scale = 0;
        var seenPoint = false;
        for (; i < token.Length; i++)
        {
            var b = token[i];
            if (b == '.')
            {
                seenPoint = true;
                continue;
            }

            var digit = (uint)(b - '0');
            if (digit > 9)
            {
                break;
            }

            if (mantissa != 0 || digit != 0)
            {
                if (++digits > 19)
                {
                    return false;
                }
            }

            mantissa = mantissa * 10 + digit;
            if (seenPoint)
            {
                scale--;
            }
        }

        if (i < token.Length)
        {
            // Exponent: [eE][+-]digits.
            i++;
            var negativeExponent = token[i] == '-';
            if (token[i] is (byte)'+' or (byte)'-')
            {
                i++;
            }

            var exponent = 0;
            for (; i < token.Length; i++)
            {
                exponent = exponent * 10 + (token[i] - '0');
                if (exponent > 1000)
                {
                    return false;
                }
            }

            scale += negativeExponent ? -exponent : exponent;
        }

        if (mantissa > MaxExactMantissa || scale < -22 || scale > 22)
        {
            return false;
        }

        value = scale < 0 ? mantissa / PowersOfTen[-scale] : mantissa * PowersOfTen[scale];
        if (negative)
        {
            value = -value;
        }

        return true;
    }
}
