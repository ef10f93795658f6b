using System.Buffers.Text;
using System.Globalization;

namespace NServe.Server.Rest.Json;

/// <summary>
/// Writes floating-point values exactly as TF Serving's JSON writer (<c>WriteDecimal</c>) does: the
/// six-significant-digit <c>%g</c> text if it reads back as the same value, else <c>%.9g</c> (float) or
/// <c>%.17g</c> (double); <c>.0</c> appended when the text has neither a point nor an exponent; and bare
/// <c>NaN</c>, <c>Infinity</c>, <c>-Infinity</c>. So 3 → <c>3.0</c>, 9000000 → <c>9e+06</c>, 3e-05 →
/// <c>3e-05</c>, 555557.5f → <c>555557.5</c>, 0.1f → <c>0.1</c>.
/// </summary>
/// <remarks>
/// For a normal float or double the six-digit text reads back as the value exactly when the shortest
/// round-trip text has at most six digits, and then both hold the same digits (the rounding interval is far
/// narrower than a six-digit step), so .NET's shortest digits decide the branch without parsing anything
/// back. Subnormals, with fewer bits, take TF's literal route.
/// </remarks>
internal static class TfDecimalFormatter
{
    /// <summary>Enough for any output, e.g. <c>-1.2345678901234567e-308</c>.</summary>
    public const int MaxLength = 32;

    private const int ShortPrecision = 6;
    private const int FloatPrecision = 9;
    private const int DoublePrecision = 17;

    private const double Log10Of2 = 0.30102999566398114;

    // 10^0..10^22: the powers of ten a double holds exactly.
    private static readonly double[] PowersOfTen =
    [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
        1e20, 1e21, 1e22,
    ];

    public static int Format(float value, Span<byte> destination)
    {
        if (!float.IsFinite(value) || value == 0)
        {
            return FormatSpecial(value, destination);
        }

        if (TryFormatTypicalFloat(value, destination, out var written))
        {
            return written;
        }

        Span<byte> text = stackalloc byte[MaxLength];
        Span<byte> digits = stackalloc byte[MaxLength];
        int length;
        scoped DecimalDigits parsed;
        if (float.IsSubnormal(value))
        {
            // Too few bits for the shortcut below: round to six digits and read back, as TF does.
            ((double)value).TryFormat(text, out length, "E5", CultureInfo.InvariantCulture);
            parsed = DecimalDigits.Parse(text[..length], digits);
            if (float.Parse(text[..length], NumberStyles.Float, CultureInfo.InvariantCulture) == value)
            {
                return Finish(parsed, ShortPrecision, destination);
            }

            parsed.Count = ShortPrecision + 1;
        }
        else
        {
            value.TryFormat(text, out length, default, CultureInfo.InvariantCulture);
            parsed = DecimalDigits.Parse(text[..length], digits);
        }

        if (parsed.Count > ShortPrecision)
        {
            ((double)value).TryFormat(text, out length, "E8", CultureInfo.InvariantCulture);
            parsed = DecimalDigits.Parse(text[..length], digits);
            return Finish(parsed, FloatPrecision, destination);
        }

        return Finish(parsed, ShortPrecision, destination);
    }

    public static int Format(double value, Span<byte> destination)
    {
        if (!double.IsFinite(value) || value == 0)
        {
            return FormatSpecial(value, destination);
        }

        Span<byte> text = stackalloc byte[MaxLength];
        Span<byte> digits = stackalloc byte[MaxLength];
        int length;
        scoped DecimalDigits parsed;
        if (double.IsSubnormal(value))
        {
            value.TryFormat(text, out length, "E5", CultureInfo.InvariantCulture);
            parsed = DecimalDigits.Parse(text[..length], digits);
            if (double.Parse(text[..length], NumberStyles.Float, CultureInfo.InvariantCulture) == value)
            {
                return Finish(parsed, ShortPrecision, destination);
            }

            parsed.Count = ShortPrecision + 1;
        }
        else
        {
            value.TryFormat(text, out length, default, CultureInfo.InvariantCulture);
            parsed = DecimalDigits.Parse(text[..length], digits);
        }

        if (parsed.Count > ShortPrecision)
        {
            value.TryFormat(text, out length, "E16", CultureInfo.InvariantCulture);
            parsed = DecimalDigits.Parse(text[..length], digits);
            return Finish(parsed, DoublePrecision, destination);
        }

        return Finish(parsed, ShortPrecision, destination);
    }

    /// <summary>Half, which TF Serving refuses to write, as the float it widens to (exact for any reader).</summary>
    public static int Format(Half value, Span<byte> destination) => Format((float)value, destination);

    /// <summary>
    /// The same text for floats in [1e-13, 1e22) without .NET's formatter: the six- and nine-digit decimals
    /// are one exact power-of-ten scaling each (the float has 24 bits, the double 53, so the scaled value is
    /// within 1e-7 of exact) rounded half-to-even, and the six-digit one reads back by one more scaling.
    /// Whenever that margin could change an answer (a value within 1e-6 of a rounding tie, or a read-back
    /// landing exactly between two floats) it declines and the exact route decides.
    /// </summary>
    private static bool TryFormatTypicalFloat(float value, Span<byte> destination, out int written)
    {
        written = 0;
        var magnitude = Math.Abs((double)value);
        if (magnitude is < 1e-13 or >= 1e22)
        {
            return false;
        }

        // Decimal exponent: from the binary one it is exact or one too small; the scaling corrects it.
        var binaryExponent = (int)(BitConverter.DoubleToInt64Bits(magnitude) >> 52) - 1023;
        var exponent = (int)Math.Floor(binaryExponent * Log10Of2);
        double scaled9;
        while ((scaled9 = Scale(magnitude, 8 - exponent)) >= 1e9)
        {
            exponent++;
        }

        if (!TryRoundHalfEven(scaled9, out var digits9) || !TryRoundHalfEven(Scale(magnitude, 5 - exponent), out var digits6))
        {
            return false;
        }

        var exponent9 = exponent;
        if (digits9 == 1_000_000_000)
        {
            digits9 = 100_000_000;
            exponent9++;
        }

        var exponent6 = exponent;
        if (digits6 == 1_000_000)
        {
            digits6 = 100_000;
            exponent6++;
        }

        // Reading the six digits back: decimal → double → float equals decimal → float unless the double
        // falls exactly halfway between two floats.
        var readBack = Scale(digits6, exponent6 - 5);
        if (readBack < 1.1754943508222875e-38 || (BitConverter.DoubleToInt64Bits(readBack) & 0x1FFF_FFFF) == 0x1000_0000)
        {
            return false;
        }

        var six = (float)readBack == (float)magnitude;
        Span<byte> text = stackalloc byte[16];
        Utf8Formatter.TryFormat(six ? digits6 : digits9, text, out var length);
        var digits = new DecimalDigits
        {
            Digits = text,
            Count = length,
            Exponent = six ? exponent6 : exponent9,
            Negative = value < 0,
        };
        while (digits.Count > 1 && text[digits.Count - 1] == '0')
        {
            digits.Count--;
        }

        written = Finish(digits, six ? ShortPrecision : FloatPrecision, destination);
        return true;
    }

    private static double Scale(double value, int powerOfTen) =>
        powerOfTen >= 0 ? value * PowersOfTen[powerOfTen] : value / PowersOfTen[-powerOfTen];

    /// <summary>Rounds half to even; false if the value is too near a tie for its rounding error.</summary>
    private static bool TryRoundHalfEven(double value, out long rounded)
    {
        var floor = Math.Floor(value);
        var fraction = value - floor;
        rounded = (long)floor;
        if (Math.Abs(fraction - 0.5) < 1e-6)
        {
            return false;
        }

        if (fraction > 0.5)
        {
            rounded++;
        }

        return true;
    }

    private static int Finish(DecimalDigits digits, int precision, Span<byte> destination)
    {
        var length = digits.WritePrintfG(precision, destination);
        if (destination[..length].IndexOfAny((byte)'.', (byte)'e') < 0)
        {
            destination[length++] = (byte)'.';
            destination[length++] = (byte)'0';
        }

        return length;
    }

    private static int FormatSpecial(double value, Span<byte> destination)
    {
        ReadOnlySpan<byte> text = double.IsNaN(value) ? "NaN"u8
            : double.IsPositiveInfinity(value) ? "Infinity"u8
            : double.IsNegativeInfinity(value) ? "-Infinity"u8
            : double.IsNegative(value) ? "-0.0"u8
            : "0.0"u8;
        text.CopyTo(destination);
        return text.Length;
    }
}
