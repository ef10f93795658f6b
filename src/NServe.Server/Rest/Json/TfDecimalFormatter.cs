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
/// The six-digit text reads back as the value exactly when the shortest round-trip text has at most six
/// digits (a float's rounding interval is far narrower than a six-digit step), so the shortest digits from
/// .NET decide the branch without parsing anything back. Half (which TF Serving refuses to write) uses its
/// own shortest digits in the six-digit layout.
/// </remarks>
internal static class TfDecimalFormatter
{
    /// <summary>Enough for any output, e.g. <c>-1.2345678901234567e-308</c>.</summary>
    public const int MaxLength = 32;

    private const int ShortPrecision = 6;
    private const int FloatPrecision = 9;
    private const int DoublePrecision = 17;

    public static int Format(float value, Span<byte> destination)
    {
        if (!float.IsFinite(value) || value == 0)
        {
            return FormatSpecial(value, destination);
        }

        Span<byte> text = stackalloc byte[MaxLength];
        Span<byte> digits = stackalloc byte[MaxLength];
        value.TryFormat(text, out var length, default, CultureInfo.InvariantCulture);
        var parsed = DecimalDigits.Parse(text[..length], digits);
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
        value.TryFormat(text, out var length, default, CultureInfo.InvariantCulture);
        var parsed = DecimalDigits.Parse(text[..length], digits);
        if (parsed.Count > ShortPrecision)
        {
            value.TryFormat(text, out length, "E16", CultureInfo.InvariantCulture);
            parsed = DecimalDigits.Parse(text[..length], digits);
            return Finish(parsed, DoublePrecision, destination);
        }

        return Finish(parsed, ShortPrecision, destination);
    }

    public static int Format(Half value, Span<byte> destination)
    {
        if (!Half.IsFinite(value) || value == Half.Zero)
        {
            return FormatSpecial((double)value, destination);
        }

        Span<byte> text = stackalloc byte[MaxLength];
        Span<byte> digits = stackalloc byte[MaxLength];
        value.TryFormat(text, out var length, default, CultureInfo.InvariantCulture);
        return Finish(DecimalDigits.Parse(text[..length], digits), ShortPrecision, destination);
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
