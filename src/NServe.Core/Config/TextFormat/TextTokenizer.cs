using System.Runtime.CompilerServices;
using System.Text;

namespace NServe.Core.Config.TextFormat;

/// <summary>
/// Protobuf's text-format tokenizer (the rules of C++ io::Tokenizer with <c>#</c> comments and the <c>f</c>
/// float suffix) over a string. Tokens are offsets into the text: no per-token allocation. The first lexical
/// error throws, with the message C++ reports for it. The scanning loops are compiled fully optimized at
/// once (AggressiveOptimization): a file is parsed once per load, too briefly for tiered JIT to catch up.
/// </summary>
internal sealed class TextTokenizer
{
    private readonly string _text;
    private readonly string _typeName;
    private int _pos;

    public TextTokenizer(string text, string typeName)
    {
        _text = text;
        _typeName = typeName;

        // File readers usually drop a BOM; accept it here too rather than report a stray symbol.
        _pos = text.Length > 0 && text[0] == '\uFEFF' ? 1 : 0;
        Next();
    }

    public TextTokenKind Kind { get; private set; } = TextTokenKind.Start;

    /// <summary>Offset of the current token's first character (the text length at the end).</summary>
    public int Start { get; private set; }

    /// <summary>Offset just past the current token.</summary>
    public int End { get; private set; }

    /// <summary>Offset just past the previous token.</summary>
    public int PreviousEnd { get; private set; }

    /// <summary>When set, tokens scanned by <see cref="Next"/> are URL character runs or single symbols.</summary>
    public bool UrlMode { get; set; }

    public string Source => _text;

    public ReadOnlySpan<char> Span => _text.AsSpan(Start, End - Start);

    /// <summary>The current token's text, for error messages (empty at the end of input).</summary>
    public string Text => _text.Substring(Start, End - Start);

    public bool IsSymbol(char c) => Kind == TextTokenKind.Symbol && _text[Start] == c;

    public TextFormatException ErrorAt(int offset, string description) =>
        TextFormatException.At(_typeName, _text, offset, description);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Next()
    {
        TextTokenKind previousKind = Kind;
        int previousEnd = PreviousEnd = End;
        string text = _text;
        int pos = _pos;

        while (true)
        {
            while (pos < text.Length && IsWhitespace(text[pos]))
            {
                pos++;
            }

            if (pos < text.Length && text[pos] == '#')
            {
                // C++ reads a NUL as the end of input: it ends the comment, then fails as a control character.
                int stop = text.AsSpan(pos).IndexOfAny('\n', '\0');
                pos = stop < 0 ? text.Length : text[pos + stop] == '\n' ? pos + stop + 1 : pos + stop;
                continue;
            }

            break;
        }

        Start = pos;
        if (pos >= text.Length)
        {
            Kind = TextTokenKind.End;
            End = _pos = text.Length;
            return;
        }

        char c = text[pos];
        if (c < ' ')
        {
            throw ErrorAt(pos, "Invalid control characters encountered in text.");
        }

        if (UrlMode)
        {
            if (IsUrlChar(c))
            {
                pos++;
                while (pos < text.Length && IsUrlChar(text[pos]))
                {
                    pos++;
                }

                Finish(TextTokenKind.UrlChars, pos);
            }
            else
            {
                Finish(TextTokenKind.Symbol, ScanSymbol(pos));
            }

            return;
        }

        if (IsLetter(c))
        {
            pos++;
            while (pos < text.Length && IsAlphanumeric(text[pos]))
            {
                pos++;
            }

            Finish(TextTokenKind.Identifier, pos);
        }
        else if (c == '0')
        {
            ScanNumber(pos + 1, startedWithZero: true, startedWithDot: false);
        }
        else if (c == '.')
        {
            if (pos + 1 < text.Length && char.IsAsciiDigit(text[pos + 1]))
            {
                if (previousKind == TextTokenKind.Identifier && previousEnd == pos)
                {
                    // "blah.123" is not an identifier followed by a float.
                    throw ErrorAt(pos, "Need space between identifier and decimal point.");
                }

                ScanNumber(pos + 2, startedWithZero: false, startedWithDot: true);
            }
            else
            {
                Finish(TextTokenKind.Symbol, pos + 1);
            }
        }
        else if (char.IsAsciiDigit(c))
        {
            ScanNumber(pos + 1, startedWithZero: false, startedWithDot: false);
        }
        else if (c is '"' or '\'')
        {
            Finish(TextTokenKind.String, ScanString(pos + 1, c));
        }
        else
        {
            Finish(TextTokenKind.Symbol, ScanSymbol(pos));
        }
    }

    private void Finish(TextTokenKind kind, int end)
    {
        Kind = kind;
        End = _pos = end;
    }

    private int ScanSymbol(int pos)
    {
        char c = _text[pos];
        if (c >= 0x80)
        {
            // C++ reads UTF-8 bytes and names the first byte of the offending character.
            Rune.DecodeFromUtf16(_text.AsSpan(pos), out Rune rune, out _);
            Span<byte> utf8 = stackalloc byte[4];
            rune.EncodeToUtf8(utf8);
            int firstByte = utf8[0];
            throw ErrorAt(pos, $"Interpreting non ascii codepoint {firstByte}.");
        }

        return pos + 1;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ScanNumber(int pos, bool startedWithZero, bool startedWithDot)
    {
        string text = _text;
        bool isFloat = false;

        if (startedWithZero && pos < text.Length && text[pos] is 'x' or 'X')
        {
            pos++;
            if (pos >= text.Length || !char.IsAsciiHexDigit(text[pos]))
            {
                throw ErrorAt(pos, "\"0x\" must be followed by hex digits.");
            }

            while (pos < text.Length && char.IsAsciiHexDigit(text[pos]))
            {
                pos++;
            }
        }
        else if (startedWithZero && pos < text.Length && char.IsAsciiDigit(text[pos]))
        {
            while (pos < text.Length && text[pos] is >= '0' and <= '7')
            {
                pos++;
            }

            if (pos < text.Length && char.IsAsciiDigit(text[pos]))
            {
                throw ErrorAt(pos, "Numbers starting with leading zero must be in octal.");
            }
        }
        else
        {
            if (startedWithDot)
            {
                isFloat = true;
                pos = SkipDigits(pos);
            }
            else
            {
                pos = SkipDigits(pos);
                if (pos < text.Length && text[pos] == '.')
                {
                    isFloat = true;
                    pos = SkipDigits(pos + 1);
                }
            }

            if (pos < text.Length && text[pos] is 'e' or 'E')
            {
                isFloat = true;
                pos++;
                if (pos < text.Length && text[pos] is '-' or '+')
                {
                    pos++;
                }

                if (pos >= text.Length || !char.IsAsciiDigit(text[pos]))
                {
                    throw ErrorAt(pos, "\"e\" must be followed by exponent.");
                }

                pos = SkipDigits(pos);
            }

            if (pos < text.Length && text[pos] is 'f' or 'F')
            {
                isFloat = true;
                pos++;
            }
        }

        if (pos < text.Length && IsLetter(text[pos]))
        {
            throw ErrorAt(pos, "Need space between number and identifier.");
        }

        if (pos < text.Length && text[pos] == '.')
        {
            throw ErrorAt(pos, isFloat
                ? "Already saw decimal point or exponent; can't have another one."
                : "Hex and octal numbers must be integers.");
        }

        Finish(isFloat ? TextTokenKind.Float : TextTokenKind.Integer, pos);
    }

    private int SkipDigits(int pos)
    {
        while (pos < _text.Length && char.IsAsciiDigit(_text[pos]))
        {
            pos++;
        }

        return pos;
    }

    /// <summary>Validates a quoted literal's escapes (decoding happens later, in <see cref="TextLiteralDecoder"/>); returns the offset past the closing quote.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int ScanString(int pos, char delimiter)
    {
        string text = _text;
        while (true)
        {
            if (pos >= text.Length)
            {
                throw ErrorAt(pos, "Unexpected end of string.");
            }

            char c = text[pos];
            if (c == '\n')
            {
                throw ErrorAt(pos, "Multiline strings are not allowed. Did you miss a \"?.");
            }

            if (c == '\0')
            {
                throw ErrorAt(pos, "Unexpected end of string.");
            }

            if (c == delimiter)
            {
                return pos + 1;
            }

            if (c != '\\')
            {
                pos++;
                continue;
            }

            pos++;
            char e = pos < text.Length ? text[pos] : '\0';
            if (e is 'a' or 'b' or 'f' or 'n' or 'r' or 't' or 'v' or '\\' or '?' or '\'' or '"' or (>= '0' and <= '7'))
            {
                // Further octal digits are ordinary characters to this scan.
                pos++;
            }
            else if (e is 'x' or 'X')
            {
                pos++;
                if (!HexAt(pos))
                {
                    throw ErrorAt(pos, "Expected hex digits for escape sequence.");
                }
            }
            else if (e == 'u')
            {
                pos++;
                for (int i = 0; i < 4; i++, pos++)
                {
                    if (!HexAt(pos))
                    {
                        throw ErrorAt(pos, "Expected four hex digits for \\u escape sequence.");
                    }
                }
            }
            else if (e == 'U')
            {
                pos++;

                // Eight hex digits, at most 0x1fffff ("00", then "0" or "1", then five digits), as C++ requires.
                for (int i = 0; i < 8; i++)
                {
                    char d = CharAt(pos + i);
                    bool ok = i < 2 ? d == '0' : i == 2 ? d is '0' or '1' : char.IsAsciiHexDigit(d);
                    if (!ok)
                    {
                        throw ErrorAt(pos + i, "Expected eight hex digits up to 10ffff for \\U escape sequence");
                    }
                }

                pos += 8;
            }
            else
            {
                throw ErrorAt(pos, "Invalid escape sequence in string literal.");
            }
        }
    }

    private char CharAt(int pos) => pos < _text.Length ? _text[pos] : '\0';

    private bool HexAt(int pos) => pos < _text.Length && char.IsAsciiHexDigit(_text[pos]);

    private static bool IsWhitespace(char c) => c is ' ' or '\n' or '\t' or '\r' or '\v' or '\f';

    private static bool IsLetter(char c) => char.IsAsciiLetter(c) || c == '_';

    private static bool IsAlphanumeric(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';

    private static bool IsUrlChar(char c) => IsAlphanumeric(c) || c is '-' or '.' or '~' or '!' or '$' or '&' or '(' or ')' or '*' or '+' or ',' or ';' or '=' or '%' or '/';
}
