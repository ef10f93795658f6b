namespace NServe.Server.Rest.Json;

/// <summary>
/// A finite non-zero number as significant digits and a decimal exponent (value = d.ddd × 10^Exponent),
/// read back from .NET's own exact formatting so that the JSON layouts of TensorFlow (printf <c>%g</c>) and
/// rapidjson can be produced from the same digits.
/// </summary>
internal ref struct DecimalDigits
{
    /// <summary>ASCII digits, first one non-zero, no trailing zeros.</summary>
    public Span<byte> Digits;

    public int Count;

    /// <summary>Power of ten of the first digit.</summary>
    public int Exponent;

    public bool Negative;

    /// <summary>
    /// Reads .NET's invariant text of a finite non-zero number (<c>-1.5E-05</c>, <c>123456790</c>,
    /// <c>1.00195312E+000</c>) into <paramref name="digits"/> storage.
    /// </summary>
    public static DecimalDigits Parse(scoped ReadOnlySpan<byte> text, Span<byte> digits)
    {
        var result = new DecimalDigits { Digits = digits };
        var i = 0;
        if (text[0] == '-')
        {
            result.Negative = true;
            i++;
        }

        var integerDigits = -1;
        var leadingZeros = 0;
        var count = 0;
        for (; i < text.Length; i++)
        {
            var b = text[i];
            if (b == '.')
            {
                integerDigits = count + leadingZeros;
                continue;
            }

            if (b is < (byte)'0' or > (byte)'9')
            {
                break;
            }

            if (count == 0 && b == '0')
            {
                leadingZeros++;
                continue;
            }

            digits[count++] = b;
        }

        if (integerDigits < 0)
        {
            integerDigits = count + leadingZeros;
        }

        var exponent = 0;
        if (i < text.Length)
        {
            // E, sign, digits.
            i++;
            var negativeExponent = text[i] == '-';
            if (text[i] is (byte)'+' or (byte)'-')
            {
                i++;
            }

            for (; i < text.Length; i++)
            {
                exponent = (exponent * 10) + (text[i] - '0');
            }

            if (negativeExponent)
            {
                exponent = -exponent;
            }
        }

        while (count > 1 && digits[count - 1] == '0')
        {
            count--;
        }

        result.Count = count;

        // The digit string reads 0.[zeros][digits] × 10^(integerDigits + exponent).
        result.Exponent = integerDigits + exponent - leadingZeros - 1;
        return result;
    }

    /// <summary>
    /// Writes the digits as printf's <c>%.{precision}g</c> lays them out (the digits already hold at most
    /// <paramref name="precision"/> significant digits): plain notation for exponents in [-4, precision),
    /// otherwise <c>d.ddde+XX</c> with at least two exponent digits. Returns the bytes written.
    /// </summary>
    public readonly int WritePrintfG(int precision, Span<byte> destination)
    {
        var pos = 0;
        if (Negative)
        {
            destination[pos++] = (byte)'-';
        }

        var digits = Digits[..Count];
        var exponent = Exponent;
        if (exponent < -4 || exponent >= precision)
        {
            destination[pos++] = digits[0];
            if (digits.Length > 1)
            {
                destination[pos++] = (byte)'.';
                digits[1..].CopyTo(destination[pos..]);
                pos += digits.Length - 1;
            }

            destination[pos++] = (byte)'e';
            destination[pos++] = exponent < 0 ? (byte)'-' : (byte)'+';
            var magnitude = Math.Abs(exponent);
            if (magnitude >= 100)
            {
                destination[pos++] = (byte)('0' + (magnitude / 100));
                magnitude %= 100;
            }

            destination[pos++] = (byte)('0' + (magnitude / 10));
            destination[pos++] = (byte)('0' + (magnitude % 10));
            return pos;
        }

        return pos + WritePlain(digits, exponent, destination[pos..]);
    }

    /// <summary>
    /// Writes the digits as rapidjson's <c>Writer::Double</c> (Grisu + Prettify) does: plain up to 21 integer
    /// digits (with <c>.0</c> for integers), <c>0.000ddd</c> down to 1e-6, else <c>d.ddde-7</c> style.
    /// </summary>
    public readonly int WriteRapidJson(Span<byte> destination)
    {
        var pos = 0;
        if (Negative)
        {
            destination[pos++] = (byte)'-';
        }

        var digits = Digits[..Count];
        var pointPosition = Exponent + 1;
        if (pointPosition >= digits.Length && pointPosition <= 21)
        {
            pos += WritePlain(digits, Exponent, destination[pos..]);
            destination[pos++] = (byte)'.';
            destination[pos++] = (byte)'0';
            return pos;
        }

        if (pointPosition is > -6 and <= 21)
        {
            return pos + WritePlain(digits, Exponent, destination[pos..]);
        }

        destination[pos++] = digits[0];
        if (digits.Length > 1)
        {
            destination[pos++] = (byte)'.';
            digits[1..].CopyTo(destination[pos..]);
            pos += digits.Length - 1;
        }

        destination[pos++] = (byte)'e';
        if (Exponent < 0)
        {
            destination[pos++] = (byte)'-';
        }

        Span<byte> exponentText = stackalloc byte[4];
        System.Buffers.Text.Utf8Formatter.TryFormat(Math.Abs(Exponent), exponentText, out var length);
        exponentText[..length].CopyTo(destination[pos..]);
        return pos + length;
    }

    // Plain notation: integer part (zero padded), then the fraction if any digits remain.
    private static int WritePlain(ReadOnlySpan<byte> digits, int exponent, Span<byte> destination)
    {
        var pos = 0;
        if (exponent < 0)
        {
            destination[pos++] = (byte)'0';
            destination[pos++] = (byte)'.';
            for (var i = -1; i > exponent; i--)
            {
                destination[pos++] = (byte)'0';
            }

            digits.CopyTo(destination[pos..]);
            return pos + digits.Length;
        }

        var integerDigits = exponent + 1;
        if (digits.Length <= integerDigits)
        {
            digits.CopyTo(destination);
            pos = digits.Length;
            for (var i = digits.Length; i < integerDigits; i++)
            {
                destination[pos++] = (byte)'0';
            }

            return pos;
        }

        digits[..integerDigits].CopyTo(destination);
        pos = integerDigits;
        destination[pos++] = (byte)'.';
        digits[integerDigits..].CopyTo(destination[pos..]);
        return pos + digits.Length - integerDigits;
    }
}
