using System.Buffers;

namespace NServe.Server.Rest.Json;

/// <summary>
/// A forward reader over JSON that <see cref="JsonSyntaxValidator"/> has already accepted, so it checks
/// nothing and only finds token boundaries: the decoding pass uses it to walk straight to the values.
/// </summary>
internal ref struct JsonCursor(ReadOnlySpan<byte> json, int position)
{
    private static readonly SearchValues<byte> QuoteOrEscape = SearchValues.Create("\"\\"u8);
    private static readonly SearchValues<byte> Structural = SearchValues.Create("\"[]{}"u8);

    public readonly ReadOnlySpan<byte> Json = json;

    public int Position = position;

    /// <summary>Skips whitespace and returns the next byte (0 at the end) without consuming it.</summary>
    public byte Peek()
    {
        var json = Json;
        var pos = Position;
        while (pos < json.Length)
        {
            var b = json[pos];
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t')
            {
                Position = pos;
                return b;
            }

            pos++;
        }

        Position = pos;
        return 0;
    }

    public void Advance() => Position++;

    /// <summary>At a number (incl. NaN/Infinity), returns its text and moves past it.</summary>
    public ReadOnlySpan<byte> ReadNumber()
    {
        var json = Json;
        var start = Position;
        var pos = start;
        if (json[pos] == '-')
        {
            pos++;
        }

        if (json[pos] == 'N')
        {
            pos += 3;
        }
        else if (json[pos] == 'I')
        {
            pos += pos + 3 < json.Length && json[pos + 3] == 'i' ? 8 : 3;
        }
        else
        {
            // The number grammar, not any run of number bytes: the parser stops after the root value, so a
            // root number may be followed by anything ("0841e" is the number 0, then ignored bytes).
            pos = json[pos] == '0' ? pos + 1 : SkipDigits(json, pos);
            if (pos < json.Length && json[pos] == '.')
            {
                pos = SkipDigits(json, pos + 1);
            }

            if (pos < json.Length && (json[pos] | 0x20) == 'e')
            {
                pos++;
                if (pos < json.Length && json[pos] is (byte)'+' or (byte)'-')
                {
                    pos++;
                }

                pos = SkipDigits(json, pos);
            }
        }

        Position = pos;
        return json[start..pos];
    }

    private static int SkipDigits(ReadOnlySpan<byte> json, int pos)
    {
        while (pos < json.Length && (uint)(json[pos] - '0') <= 9)
        {
            pos++;
        }

        return pos;
    }

    /// <summary>At a string, returns its raw content (between the quotes) and moves past it.</summary>
    public ReadOnlySpan<byte> ReadString(out bool hasEscapes)
    {
        var json = Json;
        var start = Position + 1;
        var pos = start;
        hasEscapes = false;
        while (true)
        {
            pos += json[pos..].IndexOfAny(QuoteOrEscape);
            if (json[pos] == '"')
            {
                Position = pos + 1;
                return json[start..pos];
            }

            hasEscapes = true;
            pos += 2;
        }
    }

    /// <summary>Moves past the value that starts here, whatever it is.</summary>
    public void SkipValue()
    {
        var json = Json;
        switch (Peek())
        {
            case (byte)'"':
                ReadString(out _);
                return;
            case (byte)'t':
            case (byte)'n':
                Position += 4;
                return;
            case (byte)'f':
                Position += 5;
                return;
            case (byte)'[':
            case (byte)'{':
                break;
            default:
                ReadNumber();
                return;
        }

        var depth = 0;
        var pos = Position;
        while (true)
        {
            pos += json[pos..].IndexOfAny(Structural);
            switch (json[pos])
            {
                case (byte)'"':
                    Position = pos;
                    ReadString(out _);
                    pos = Position;
                    continue;
                case (byte)'[':
                case (byte)'{':
                    depth++;
                    break;
                default:
                    depth--;
                    break;
            }

            pos++;
            if (depth == 0)
            {
                Position = pos;
                return;
            }
        }
    }

    /// <summary>
    /// Positioned at a value, moves into the first member of the object that starts here; false (and past
    /// the object) if it is empty. Then <see cref="ReadMemberName"/> reads the name.
    /// </summary>
    public bool EnterObject()
    {
        Position++;
        if (Peek() == '}')
        {
            Position++;
            return false;
        }

        return true;
    }

    /// <summary>Reads a member name and its colon, leaving the cursor at the member's value.</summary>
    public ReadOnlySpan<byte> ReadMemberName(out bool hasEscapes)
    {
        Peek();
        var name = ReadString(out hasEscapes);
        Peek();
        Position++;
        Peek();
        return name;
    }

    /// <summary>After a member or element: true (and past the comma) if another follows, false (and past the bracket) at the end.</summary>
    public bool NextItem()
    {
        var b = Peek();
        Position++;
        return b == ',';
    }
}
