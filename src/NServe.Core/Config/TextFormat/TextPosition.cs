namespace NServe.Core.Config.TextFormat;

/// <summary>
/// Turns a character offset into the 1-based line and column protobuf's C++ tokenizer reports, so our errors
/// point at the same place as TensorFlow Serving's. Computed only when an error is raised, keeping the
/// tokenizer free of per-character bookkeeping.
/// </summary>
internal static class TextPosition
{
    private const int TabWidth = 8;

    public static void Locate(string text, int offset, out int line, out int column)
    {
        offset = Math.Clamp(offset, 0, text.Length);
        ReadOnlySpan<char> before = text.AsSpan(0, offset);
        line = before.Count('\n') + 1;
        int lineStart = before.LastIndexOf('\n') + 1;

        int col = 0;
        foreach (char c in before[lineStart..])
        {
            if (c == '\t')
            {
                col += TabWidth - (col % TabWidth);
            }
            else
            {
                col += Utf8Width(c);
            }
        }

        column = col + 1;
    }

    // The C++ tokenizer counts bytes of the UTF-8 input; a surrogate pair is 4 bytes, 2 per half.
    private static int Utf8Width(char c) =>
        c < 0x80 ? 1 : c < 0x800 || char.IsSurrogate(c) ? 2 : 3;
}
