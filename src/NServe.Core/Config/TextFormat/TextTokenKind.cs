namespace NServe.Core.Config.TextFormat;

/// <summary>Token kinds of protobuf's text tokenizer (io::Tokenizer).</summary>
internal enum TextTokenKind
{
    Start,
    End,
    Identifier,
    Integer,
    Float,
    String,
    Symbol,

    /// <summary>A run of characters allowed in an Any type URL; produced only in URL mode, between <c>[</c> and <c>]</c>.</summary>
    UrlChars,
}
