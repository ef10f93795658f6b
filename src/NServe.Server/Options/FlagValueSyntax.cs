using System.Globalization;

namespace NServe.Server.Options;

/// <summary>
/// Parses flag values the way TensorFlow's flag parser does (absl <c>SimpleAtoi</c>/<c>SimpleAtof</c>,
/// TF's bool rule), plus the extra gflags bool spellings that TF rejects.
/// </summary>
internal static class FlagValueSyntax
{
    /// <summary>
    /// TF accepts <c>true</c>/<c>false</c> (any case) and <c>1</c>/<c>0</c>. gflags also accepts
    /// <c>t f yes no y n</c> (any case); those parse, with <paramref name="tensorFlowAccepts"/> false so the
    /// caller can warn that the command line would fail on TF Serving.
    /// </summary>
    public static bool TryParseBool(string text, out bool value, out bool tensorFlowAccepts)
    {
        tensorFlowAccepts = true;
        if (text.Equals("true", StringComparison.OrdinalIgnoreCase) || text == "1")
        {
            value = true;
            return true;
        }
        if (text.Equals("false", StringComparison.OrdinalIgnoreCase) || text == "0")
        {
            value = false;
            return true;
        }
        tensorFlowAccepts = false;
        if (IsAnyOf(text, "t", "yes", "y"))
        {
            value = true;
            return true;
        }
        if (IsAnyOf(text, "f", "no", "n"))
        {
            value = false;
            return true;
        }
        value = false;
        return false;
    }

    /// <summary>absl <c>SimpleAtoi</c>: surrounding ASCII whitespace allowed, optional sign, base 10,
    /// out of range fails.</summary>
    public static bool TryParseInt32(string text, out int value) =>
        int.TryParse(TrimAsciiWhitespace(text), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);

    /// <inheritdoc cref="TryParseInt32"/>
    public static bool TryParseInt64(string text, out long value) =>
        long.TryParse(TrimAsciiWhitespace(text), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);

    /// <summary>absl <c>SimpleAtof</c>: decimal or exponent form, <c>inf</c>/<c>infinity</c>/<c>nan</c> in any
    /// case, optional sign; too large becomes ±infinity. No hex, no thousands separators.</summary>
    public static bool TryParseFloat(string text, out float value)
    {
        var trimmed = TrimAsciiWhitespace(text);
        var unsigned = trimmed.TrimStart("+-");
        if (unsigned.Length < trimmed.Length - 1)
        {
            value = 0; // more than one sign
            return false;
        }
        var negative = trimmed.StartsWith('-');
        if (IsAnyOf(unsigned.ToString(), "inf", "infinity"))
        {
            value = negative ? float.NegativeInfinity : float.PositiveInfinity;
            return true;
        }
        if (unsigned.Equals("nan", StringComparison.OrdinalIgnoreCase))
        {
            value = float.NaN;
            return true;
        }
        // .NET's own "Infinity"/"NaN" symbols are handled above; keep them out of the number parser so
        // that only digits reach it.
        if (unsigned.Length == 0 || !(char.IsAsciiDigit(unsigned[0]) || unsigned[0] == '.'))
        {
            value = 0;
            return false;
        }
        const NumberStyles style = NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent;
        return float.TryParse(trimmed, style, CultureInfo.InvariantCulture, out value);
    }

    private static ReadOnlySpan<char> TrimAsciiWhitespace(string text) =>
        text.AsSpan().Trim(" \t\n\v\f\r");

    private static bool IsAnyOf(string text, params ReadOnlySpan<string> candidates)
    {
        foreach (var candidate in candidates)
        {
            if (text.Equals(candidate, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }
        return false;
    }
}
