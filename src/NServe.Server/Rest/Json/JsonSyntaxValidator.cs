using System.Buffers;
using NServe.Core.Errors;

namespace NServe.Server.Rest.Json;

/// <summary>
/// The first pass over a request body: checks the whole document is JSON as TF Serving's parser
/// (rapidjson, iterative, <c>kParseNanAndInfFlag</c>, stop-when-done) accepts it, with the same error texts
/// and offsets, and notes where the root object's members of interest lie. It decodes nothing, so it is
/// one quick scan; the decoding pass then reads only what it needs, in the order it needs it (the
/// signature first, wherever it sits). Nesting depth is bounded only by the caller's limit
/// (<c>--rest_api_max_json_depth</c>; rapidjson has none): a 1-byte-per-level stack, not recursion.
/// </summary>
internal ref struct JsonSyntaxValidator
{
    private const string DocumentEmpty = "The document is empty.";
    private const string ValueInvalid = "Invalid value.";
    private const string ObjectMissName = "Missing a name for object member.";
    private const string ObjectMissColon = "Missing a colon after a name of object member.";
    private const string ObjectMissCommaOrCurlyBracket = "Missing a comma or '}' after an object member.";
    private const string ArrayMissCommaOrSquareBracket = "Missing a comma or ']' after an array element.";
    private const string StringUnicodeEscapeInvalidHex = "Incorrect hex digit after \\u escape in string.";
    private const string StringUnicodeSurrogateInvalid = "The surrogate pair in string is invalid.";
    private const string StringEscapeInvalid = "Invalid escape character in string.";
    private const string StringMissQuotationMark = "Missing a closing quotation mark in string.";
    private const string StringInvalidEncoding = "Invalid encoding in string.";
    private const string NumberTooBig = "Number too big to be stored in double.";
    private const string NumberMissFraction = "Miss fraction part in number.";
    private const string NumberMissExponent = "Miss exponent in number.";

    private const byte ArrayLevel = 0;
    private const byte ObjectLevel = 1;

    // Bytes that end a run of plain string content: the closing quote, an escape, or a control character.
    private static readonly SearchValues<byte> StringStops = SearchValues.Create(
        [(byte)'"', (byte)'\\', 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31]);

    private readonly ReadOnlySpan<byte> _json;
    private int _pos;
    private Span<byte> _levels;
    private byte[]? _rentedLevels;
    private int _depth;
    private readonly int _maxDepth;

    private JsonSyntaxValidator(ReadOnlySpan<byte> json, Span<byte> levels, int maxDepth)
    {
        _json = json;
        _levels = levels;
        _maxDepth = maxDepth;
    }

    // Where a value must start, which decides rapidjson's message for a token that cannot start one.
    private enum ValueContext
    {
        Root,
        Nested,
    }

    /// <summary>
    /// Validates <paramref name="json"/> (non-empty) and returns the offset of its root value. For each
    /// name in <paramref name="rootKeys"/> (UTF-8), the value range of its first occurrence in the root
    /// object goes to the same index of <paramref name="found"/> (<see cref="JsonValueRange.None"/> if absent).
    /// </summary>
    public static int Validate(ReadOnlySpan<byte> json, ReadOnlySpan<byte[]> rootKeys, Span<JsonValueRange> found, int maxDepth = int.MaxValue)
    {
        var validator = new JsonSyntaxValidator(json, stackalloc byte[256], maxDepth);
        try
        {
            return validator.Run(rootKeys, found);
        }
        finally
        {
            if (validator._rentedLevels is not null)
            {
                ArrayPool<byte>.Shared.Return(validator._rentedLevels);
            }
        }
    }

    private int Run(ReadOnlySpan<byte[]> rootKeys, Span<JsonValueRange> found)
    {
        found.Fill(JsonValueRange.None);

        // rapidjson's UTF-8 input stream drops a byte-order mark; offsets still count it.
        if (_json.StartsWith("\uFEFF"u8))
        {
            _pos = 3;
        }

        SkipWhitespace();
        var rootStart = _pos;
        var context = ValueContext.Root;
        var pendingKey = -1;
        var pendingStart = 0;

        while (true)
        {
            // A value starts at _pos (whitespace already skipped).
            var completed = ParseValueStart(context);
            if (!completed)
            {
                // Entered a non-empty container; its first element or member name comes next.
                if (_levels[_depth - 1] == ObjectLevel)
                {
                    ParseMemberName(rootKeys, found, ref pendingKey, ref pendingStart);
                }

                context = ValueContext.Nested;
                continue;
            }

            // A value just ended: close containers and move past separators until the next value starts.
            while (true)
            {
                if (_depth == 0)
                {
                    return rootStart;
                }

                if (_depth == 1 && pendingKey >= 0)
                {
                    found[pendingKey] = new JsonValueRange(pendingStart, _pos);
                    pendingKey = -1;
                }

                SkipWhitespace();
                var b = Current;
                if (_levels[_depth - 1] == ArrayLevel)
                {
                    if (b == ',')
                    {
                        _pos++;
                        SkipWhitespace();
                        break;
                    }

                    if (b != ']')
                    {
                        throw Fail(ArrayMissCommaOrSquareBracket, _pos);
                    }
                }
                else
                {
                    if (b == ',')
                    {
                        _pos++;
                        SkipWhitespace();
                        ParseMemberName(rootKeys, found, ref pendingKey, ref pendingStart);
                        break;
                    }

                    if (b != '}')
                    {
                        throw Fail(ObjectMissCommaOrCurlyBracket, _pos);
                    }
                }

                _pos++;
                _depth--;
            }

            context = ValueContext.Nested;
        }
    }

    private readonly byte Current => _pos < _json.Length ? _json[_pos] : (byte)0;

    /// <summary>Parses a scalar (true) or opens a container (false unless it is empty, then true).</summary>
    private bool ParseValueStart(ValueContext context)
    {
        switch (Current)
        {
            case (byte)'{':
            case (byte)'[':
                var isObject = Current == '{';
                Push(isObject ? ObjectLevel : ArrayLevel);
                _pos++;
                SkipWhitespace();
                if (Current == (isObject ? '}' : ']'))
                {
                    _pos++;
                    _depth--;
                    return true;
                }

                return false;
            case (byte)'"':
                ScanString(out _);
                return true;
            case (byte)'t':
                ScanLiteral("true"u8);
                return true;
            case (byte)'f':
                ScanLiteral("false"u8);
                return true;
            case (byte)'n':
                ScanLiteral("null"u8);
                return true;
            case (byte)'}':
            case (byte)']':
            case (byte)',':
            case (byte)':':
            case 0:
                throw Fail(context == ValueContext.Root ? DocumentEmpty : ValueInvalid, _pos);
            default:
                ScanNumber();
                return true;
        }
    }

    /// <summary>
    /// Reads <c>"name" :</c> and leaves _pos at the member's value. A root member whose name is of interest
    /// becomes the pending key, whose value range is noted once the value ends.
    /// </summary>
    private void ParseMemberName(ReadOnlySpan<byte[]> rootKeys, Span<JsonValueRange> found, ref int pendingKey, ref int pendingStart)
    {
        if (Current != '"')
        {
            throw Fail(ObjectMissName, _pos);
        }

        var keyStart = _pos + 1;
        ScanString(out var hasEscapes);
        var key = -1;
        if (_depth == 1)
        {
            var name = _json[keyStart..(_pos - 1)];
            for (var i = 0; i < rootKeys.Length; i++)
            {
                if (!found[i].Exists && JsonStrings.ContentEquals(name, hasEscapes, rootKeys[i]))
                {
                    key = i;
                    break;
                }
            }
        }

        SkipWhitespace();
        if (Current != ':')
        {
            throw Fail(ObjectMissColon, _pos);
        }

        _pos++;
        SkipWhitespace();
        if (_depth == 1)
        {
            pendingKey = key;
            pendingStart = _pos;
        }
    }

    private void Push(byte level)
    {
        if (_depth == _maxDepth)
        {
            throw ServingException.InvalidArgument(
                $"JSON Parse error: Nesting deeper than {_maxDepth} levels (--rest_api_max_json_depth) at offset: {_pos}");
        }

        if (_depth == _levels.Length)
        {
            var larger = ArrayPool<byte>.Shared.Rent(_levels.Length * 2);
            _levels.CopyTo(larger);
            if (_rentedLevels is not null)
            {
                ArrayPool<byte>.Shared.Return(_rentedLevels);
            }

            _rentedLevels = larger;
            _levels = larger;
        }

        _levels[_depth++] = level;
    }

    private void SkipWhitespace()
    {
        // Locals, not fields: the span and index stay in registers.
        var json = _json;
        var pos = _pos;
        while ((uint)pos < (uint)json.Length)
        {
            var b = json[pos];
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t')
            {
                break;
            }

            pos++;
        }

        _pos = pos;
    }

    private void ScanLiteral(ReadOnlySpan<byte> literal)
    {
        // rapidjson consumes the literal letter by letter and reports where the first mismatch sits.
        _pos++;
        for (var i = 1; i < literal.Length; i++)
        {
            if (Current != literal[i])
            {
                throw Fail(ValueInvalid, _pos);
            }

            _pos++;
        }
    }

    private void ScanString(out bool hasEscapes)
    {
        hasEscapes = false;
        _pos++;
        while (true)
        {
            var run = _json[_pos..].IndexOfAny(StringStops);
            if (run < 0)
            {
                throw Fail(StringMissQuotationMark, _json.Length);
            }

            _pos += run;
            var b = _json[_pos];
            if (b == '"')
            {
                _pos++;
                return;
            }

            if (b == '\\')
            {
                hasEscapes = true;
                ScanEscape();
                continue;
            }

            // rapidjson's input ends at a NUL byte; other control characters are invalid in strings.
            throw Fail(b == 0 ? StringMissQuotationMark : StringInvalidEncoding, _pos);
        }
    }

    private void ScanEscape()
    {
        var escapeOffset = _pos;
        _pos++;
        switch (Current)
        {
            case (byte)'"':
            case (byte)'\\':
            case (byte)'/':
            case (byte)'b':
            case (byte)'f':
            case (byte)'n':
            case (byte)'r':
            case (byte)'t':
                _pos++;
                return;
            case (byte)'u':
                _pos++;
                var codePoint = ScanHex4(escapeOffset);
                if (codePoint is >= 0xD800 and <= 0xDBFF)
                {
                    if (Current != '\\' || _pos + 1 >= _json.Length || _json[_pos + 1] != 'u')
                    {
                        throw Fail(StringUnicodeSurrogateInvalid, escapeOffset);
                    }

                    _pos += 2;
                    var low = ScanHex4(escapeOffset);
                    if (low is < 0xDC00 or > 0xDFFF)
                    {
                        throw Fail(StringUnicodeSurrogateInvalid, escapeOffset);
                    }
                }
                else if (codePoint is >= 0xDC00 and <= 0xDFFF)
                {
                    throw Fail(StringUnicodeSurrogateInvalid, escapeOffset);
                }

                return;
            default:
                throw Fail(StringEscapeInvalid, escapeOffset);
        }
    }

    private int ScanHex4(int escapeOffset)
    {
        var value = 0;
        for (var i = 0; i < 4; i++)
        {
            var digit = JsonStrings.HexValue(Current);
            if (digit < 0)
            {
                throw Fail(StringUnicodeEscapeInvalidHex, escapeOffset);
            }

            value = (value << 4) | digit;
            _pos++;
        }

        return value;
    }

    private void ScanNumber()
    {
        var start = _pos;
        if (Current == '-')
        {
            _pos++;
        }

        if (Current == '0')
        {
            _pos++;
        }
        else if (Current is >= (byte)'1' and <= (byte)'9')
        {
            SkipDigits();
        }
        else if (Current == 'N')
        {
            _pos++;
            ExpectLetters("aN"u8);
            return;
        }
        else if (Current == 'I')
        {
            _pos++;
            ExpectLetters("nf"u8);
            if (Current == 'i')
            {
                _pos++;
                ExpectLetters("nity"u8);
            }

            return;
        }
        else
        {
            throw Fail(ValueInvalid, _pos);
        }

        var integerDigits = _pos - start;
        if (Current == '.')
        {
            _pos++;
            if (!IsDigit(Current))
            {
                throw Fail(NumberMissFraction, _pos);
            }

            SkipDigits();
        }

        var exponent = 0;
        if (Current is (byte)'e' or (byte)'E')
        {
            _pos++;
            var negativeExponent = Current == '-';
            if (Current is (byte)'+' or (byte)'-')
            {
                _pos++;
            }

            if (!IsDigit(Current))
            {
                throw Fail(NumberMissExponent, _pos);
            }

            while (IsDigit(Current))
            {
                exponent = Math.Min(exponent * 10 + (Current - '0'), 100_000);
                _pos++;
            }

            if (negativeExponent)
            {
                exponent = -exponent;
            }
        }

        // Only a number this large can overflow a double; parse just those to find out.
        if (integerDigits + exponent > 300
            && double.IsInfinity(double.Parse(_json[start.._pos], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture)))
        {
            throw Fail(NumberTooBig, start);
        }
    }

    private void ExpectLetters(ReadOnlySpan<byte> letters)
    {
        foreach (var letter in letters)
        {
            if (Current != letter)
            {
                throw Fail(ValueInvalid, _pos);
            }

            _pos++;
        }
    }

    private void SkipDigits()
    {
        var json = _json;
        var pos = _pos;
        while ((uint)pos < (uint)json.Length && (uint)(json[pos] - '0') <= 9)
        {
            pos++;
        }

        _pos = pos;
    }

    private static bool IsDigit(byte b) => b is >= (byte)'0' and <= (byte)'9';

    private static ServingException Fail(string message, int offset) =>
        ServingException.InvalidArgument($"JSON Parse error: {message} at offset: {offset}");
}
