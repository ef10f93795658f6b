namespace NServe.Core.Config.TextFormat;

/// <summary>
/// A protobuf text-format input that could not be parsed. <see cref="Exception.Message"/> reads
/// <c>line:column: description</c> (1-based, columns counted as protobuf's C++ tokenizer counts them:
/// UTF-8 bytes, tabs to the next multiple of 8), or just the description when the error has no position
/// (missing required fields).
/// </summary>
public sealed class TextFormatException : FormatException
{
    public TextFormatException(string typeName, int line, int column, string description)
        : base(line > 0 ? $"{line}:{column}: {description}" : description)
    {
        TypeName = typeName;
        Line = line;
        Column = column;
        Description = description;
    }

    /// <summary>Full name of the message type being parsed (e.g. <c>tensorflow.serving.ModelServerConfig</c>).</summary>
    public string TypeName { get; }

    /// <summary>1-based line of the error, or 0 when the error has no position.</summary>
    public int Line { get; }

    /// <summary>1-based column of the error, or 0 when the error has no position.</summary>
    public int Column { get; }

    /// <summary>The error without its position, worded as protobuf's C++ parser words it.</summary>
    public string Description { get; }

    /// <summary>The line TensorFlow Serving logs for this error: <c>Error parsing text-format TYPE: line:col: description</c>.</summary>
    public string ParseErrorMessage => $"Error parsing text-format {TypeName}: {Message}";

    internal static TextFormatException At(string typeName, string text, int offset, string description)
    {
        TextPosition.Locate(text, offset, out int line, out int column);
        return new TextFormatException(typeName, line, column, description);
    }
}
