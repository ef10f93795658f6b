using System.Globalization;

namespace NServe.Core.Config.TextFormat;

/// <summary>Number parsing with the exact rules of C++ Tokenizer::ParseInteger / ParseFloat.</summary>
internal static class TextNumbers
{
    /// <summary>Parses a decimal, <c>0x</c> hex or leading-zero octal integer token; false when it exceeds <paramref name="max"/>.</summary>
    public static bool TryParseInteger(ReadOnlySpan<char> token, ulong max, out ulong value)
    {
        value = 0;
        int numberBase = 10;
        int i = 0;
        if (token.Length > 1 && token[0] == '0')
        {
            if (token[1] is 'x' or 'X')
            {
                numberBase = 16;
                i = 2;
            }
            else
            {
                numberBase = 8;
            }
        }

        ulong result = 0;
        for (; i < token.Length; i++)
        {
            int digit = DigitValue(token[i]);
            if (digit >= numberBase)
            {
                return false;
            }

            if (result > (ulong.MaxValue - (ulong)digit) / (ulong)numberBase)
            {
                return false;
            }

            result = (result * (ulong)numberBase) + (ulong)digit;
        }

        if (result > max)
        {
            return false;
        }

        value = result;
        return true;
    }

    /// <summary>Parses a float token (<c>1.5</c>, <c>.5</c>, <c>1e-3</c>, <c>2f</c>) or a decimal integer too large for 64 bits.</summary>
    public static double ParseFloat(ReadOnlySpan<char> token)
    {
        if (token.Length > 0 && token[^1] is 'f' or 'F')
        {
            token = token[..^1];
        }

        return double.Parse(token, NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture);
    }

    // Just under 0x1.ffffffp127: every double up to here narrows to float.MaxValue, as 3.4028235e+38 (how
    // float.MaxValue prints) must.
    private const double MaxFloatAsDoubleRounded = 3.4028235677973366e+38;

    /// <summary>Narrows as C++ io::SafeDoubleToFloat: values beyond float's range (after rounding) become infinities.</summary>
    public static float SafeDoubleToFloat(double value)
    {
        if (value > float.MaxValue)
        {
            return value <= MaxFloatAsDoubleRounded ? float.MaxValue : float.PositiveInfinity;
        }

        if (value < -float.MaxValue)
        {
            return value >= -MaxFloatAsDoubleRounded ? -float.MaxValue : float.NegativeInfinity;
        }

        return (float)value;
    }

    private static int DigitValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'z' => c - 'a' + 10,
        >= 'A' and <= 'Z' => c - 'A' + 10,
        _ => 36,
    };
}
