using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Unicode;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;

namespace NServe.Core.Config.TextFormat;

/// <summary>
/// Recursive-descent reader of protobuf text format over message descriptors: a port of the grammar and
/// error messages of C++ TextFormat::Parser (ParserImpl), without extensions. One instance per parse.
/// </summary>
internal sealed class TextMessageReader
{
    /// <summary>Nesting limit of C++ TextFormat and of Google.Protobuf's binary parser.</summary>
    public const int RecursionLimit = 100;

    private readonly TextTokenizer _tokens;
    private readonly bool _forbidOverwrites;
    private readonly TypeRegistry? _anyTypes;
    private readonly MessageDescriptor _root;
    private readonly ArrayBufferWriter<byte> _scratch = new();
    private TypeRegistry? _rootTypes;
    private int _depthLeft = RecursionLimit;
    private int _afterBracket;

    /// <param name="forbidOverwrites">True for Parse (a singular field or oneof set twice is an error), false for Merge (the last value wins).</param>
    public TextMessageReader(string text, MessageDescriptor root, bool forbidOverwrites, TypeRegistry? anyTypes)
    {
        _root = root;
        _forbidOverwrites = forbidOverwrites;
        _anyTypes = anyTypes;
        _tokens = new TextTokenizer(text, root.FullName);
    }

    public void ReadInto(IMessage message)
    {
        var target = new MessageFieldTarget(message);
        MessageFieldTable table = MessageFieldTable.For(message.Descriptor);
        while (_tokens.Kind != TextTokenKind.End)
        {
            ConsumeField(ref target, table);
        }

        List<string> missing = RequiredFieldChecker.FindMissing(message);
        if (missing.Count > 0)
        {
            throw new TextFormatException(_root.FullName, 0, 0, $"Message missing required fields: {string.Join(", ", missing)}");
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ConsumeField<TTarget>(ref TTarget target, MessageFieldTable table)
        where TTarget : struct, IFieldTarget
    {
        if (_tokens.IsSymbol('['))
        {
            if (target.Message is Any any)
            {
                ConsumeExpandedAny(any);
                SkipSeparator();
                return;
            }

            ConsumeTypeUrlOrFullTypeName(out string name, out string urlPrefix);
            if (urlPrefix.Length > 0)
            {
                throw _tokens.ErrorAt(_afterBracket, "Extension name contains \"/\"");
            }

            // This reader knows no extensions (C++ would consult the descriptor pool), so every one is undefined here.
            throw Error($"Extension \"{name}\" is not defined or is not an extension of \"{table.Descriptor.FullName}\".");
        }

        ReadOnlySpan<char> fieldName = ConsumeIdentifier();
        FieldDescriptor? field = table.Find(fieldName);
        if (field is null)
        {
            if (table.IsReserved(fieldName))
            {
                // C++ skips fields whose names the message reserves.
                if (TryConsume(':') && !_tokens.IsSymbol('{') && !_tokens.IsSymbol('<'))
                {
                    SkipFieldValue();
                }
                else
                {
                    SkipFieldMessage();
                }

                SkipSeparator();
                return;
            }

            throw Error($"Message type \"{table.Descriptor.FullName}\" has no field named \"{fieldName}\".");
        }

        if (_forbidOverwrites)
        {
            if (!field.IsRepeated && target.HasField(field))
            {
                throw Error($"Non-repeated field \"{fieldName}\" is specified multiple times.");
            }

            OneofDescriptor? oneof = field.RealContainingOneof;
            if (oneof is not null && target.GetOneofCase(oneof) is { } other)
            {
                throw Error($"Field \"{fieldName}\" is specified along with field \"{other.Name}\", another member of oneof \"{oneof.Name}\".");
            }
        }

        bool isMessage = field.FieldType is FieldType.Message or FieldType.Group;
        if (isMessage)
        {
            TryConsume(':');
        }
        else
        {
            Consume(':');
        }

        if (field.IsRepeated && TryConsume('['))
        {
            // Short repeated form: "f: [1, 2, 3]"; "f: []" adds nothing.
            if (!TryConsume(']'))
            {
                while (true)
                {
                    if (isMessage)
                    {
                        ConsumeFieldMessage(ref target, field);
                    }
                    else
                    {
                        ConsumeFieldValue(ref target, field);
                    }

                    if (TryConsume(']'))
                    {
                        break;
                    }

                    Consume(',');
                }
            }
        }
        else if (isMessage)
        {
            ConsumeFieldMessage(ref target, field);
        }
        else
        {
            ConsumeFieldValue(ref target, field);
        }

        SkipSeparator();
    }

    // Fields may be followed by ';' or ',' for historical reasons.
    private void SkipSeparator()
    {
        if (!TryConsume(';'))
        {
            TryConsume(',');
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ConsumeMessageBody<TTarget>(ref TTarget target, char closing)
        where TTarget : struct, IFieldTarget
    {
        if (--_depthLeft < 0)
        {
            throw Error($"Message is too deep, the parser exceeded the configured recursion limit of {RecursionLimit}.");
        }

        MessageFieldTable table = MessageFieldTable.For(target.Descriptor);
        while (!_tokens.IsSymbol('>') && !_tokens.IsSymbol('}'))
        {
            ConsumeField(ref target, table);
        }

        Consume(closing);
        _depthLeft++;
    }

    private char ConsumeMessageDelimiter()
    {
        if (TryConsume('<'))
        {
            return '>';
        }

        Consume('{');
        return '}';
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ConsumeFieldMessage<TTarget>(ref TTarget target, FieldDescriptor field)
        where TTarget : struct, IFieldTarget
    {
        char closing = ConsumeMessageDelimiter();
        MessageDescriptor type = field.MessageType;

        if (field.IsMap)
        {
            var entry = new MapEntryTarget(type);
            ConsumeMessageBody(ref entry, closing);
            target.SetMapEntry(field, entry.Key, entry.Value);
            return;
        }

        if (WrapperTypes.IsWrapper(type))
        {
            // Generated code exposes wrapper fields as the bare value (int?, string...): parse the wrapper
            // message, then store what it wraps.
            IMessage wrapper = ProtoDefaults.NewMessage(type);
            FieldDescriptor wrapped = type.FindFieldByNumber(1);
            if (!field.IsRepeated && target.GetValue(field) is { } existing)
            {
                wrapped.Accessor.SetValue(wrapper, existing);
            }

            var wrapperTarget = new MessageFieldTarget(wrapper);
            ConsumeMessageBody(ref wrapperTarget, closing);
            object value = wrapped.Accessor.GetValue(wrapper);
            if (field.IsRepeated)
            {
                target.AddValue(field, value);
            }
            else
            {
                target.SetValue(field, value);
            }

            return;
        }

        IMessage child;
        if (field.IsRepeated)
        {
            child = ProtoDefaults.NewMessage(type);
            target.AddValue(field, child);
        }
        else if (target.GetValue(field) is IMessage existing)
        {
            // A message field written twice (Merge) merges, as C++ MutableMessage does.
            child = existing;
        }
        else
        {
            child = ProtoDefaults.NewMessage(type);
            target.SetValue(field, child);
        }

        var childTarget = new MessageFieldTarget(child);
        ConsumeMessageBody(ref childTarget, closing);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ConsumeFieldValue<TTarget>(ref TTarget target, FieldDescriptor field)
        where TTarget : struct, IFieldTarget
    {
        object value = field.FieldType switch
        {
            FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32 => (int)ConsumeSignedInteger(int.MaxValue),
            FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64 => ConsumeSignedInteger(long.MaxValue),
            FieldType.UInt32 or FieldType.Fixed32 => (uint)ConsumeUnsignedInteger(uint.MaxValue),
            FieldType.UInt64 or FieldType.Fixed64 => ConsumeUnsignedInteger(ulong.MaxValue),
            FieldType.Float => TextNumbers.SafeDoubleToFloat(ConsumeDouble()),
            FieldType.Double => ConsumeDouble(),
            FieldType.Bool => ConsumeBool(field),
            FieldType.String => ConsumeStringValue(field),
            FieldType.Bytes => ConsumeBytesValue(),
            FieldType.Enum => ConsumeEnum(field),
            _ => throw new InvalidOperationException($"Field {field.FullName} is not a scalar."),
        };

        if (field.IsRepeated)
        {
            target.AddValue(field, value);
        }
        else
        {
            target.SetValue(field, value);
        }
    }

    private object ConsumeBool(FieldDescriptor field)
    {
        if (_tokens.Kind == TextTokenKind.Integer)
        {
            return ConsumeUnsignedInteger(1) == 1;
        }

        ReadOnlySpan<char> word = ConsumeIdentifier();
        if (word is "true" or "True" or "t")
        {
            return true;
        }

        if (word is "false" or "False" or "f")
        {
            return false;
        }

        throw Error($"Invalid value for boolean field \"{field.Name}\". Value: \"{word}\".");
    }

    private object ConsumeEnum(FieldDescriptor field)
    {
        EnumValueTable values = EnumValueTable.For(field.EnumType);
        if (_tokens.Kind == TextTokenKind.Identifier)
        {
            ReadOnlySpan<char> name = ConsumeIdentifier();
            return values.FindByName(name)
                ?? throw Error($"Unknown enumeration value of \"{name}\" for field \"{field.Name}\".");
        }

        if (_tokens.IsSymbol('-') || _tokens.Kind == TextTokenKind.Integer)
        {
            int number = (int)ConsumeSignedInteger(int.MaxValue);
            if (values.FindByNumber(number) is { } known)
            {
                return known;
            }

            if (values.IsClosed)
            {
                throw Error($"Unknown enumeration value of \"{number}\" for field \"{field.Name}\".");
            }

            return values.FromUnknownNumber(number);
        }

        throw Error($"Expected integer or identifier, got: {_tokens.Text}");
    }

    private string ConsumeStringValue(FieldDescriptor field)
    {
        int start = _tokens.Start;
        if (ConsumeLiterals(out ReadOnlySpan<char> simple))
        {
            return new string(simple);
        }

        ReadOnlySpan<byte> utf8 = _scratch.WrittenSpan;
        if (!Utf8.IsValid(utf8))
        {
            // A .NET string cannot carry these bytes; C++ would keep them and fail later when serializing.
            throw _tokens.ErrorAt(start, $"String field \"{field.Name}\" contains invalid UTF-8; use a bytes field for binary data.");
        }

        return Encoding.UTF8.GetString(utf8);
    }

    private ByteString ConsumeBytesValue()
    {
        if (ConsumeLiterals(out ReadOnlySpan<char> simple))
        {
            byte[] bytes = new byte[Encoding.UTF8.GetByteCount(simple)];
            Encoding.UTF8.GetBytes(simple, bytes);
            return UnsafeByteOperations.UnsafeWrap(bytes);
        }

        return ByteString.CopyFrom(_scratch.WrittenSpan);
    }

    /// <summary>
    /// Consumes one or more adjacent literals (they concatenate). True when it was a single literal without
    /// escapes, whose characters are the value (<paramref name="simple"/>); otherwise the decoded bytes are in
    /// the scratch buffer.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool ConsumeLiterals(out ReadOnlySpan<char> simple)
    {
        if (_tokens.Kind != TextTokenKind.String)
        {
            throw Error($"Expected string, got: {_tokens.Text}");
        }

        ReadOnlySpan<char> body = LiteralBody();
        _tokens.Next();
        if (_tokens.Kind != TextTokenKind.String && !body.Contains('\\'))
        {
            simple = body;
            return true;
        }

        _scratch.ResetWrittenCount();
        TextLiteralDecoder.Append(body, _scratch);
        while (_tokens.Kind == TextTokenKind.String)
        {
            TextLiteralDecoder.Append(LiteralBody(), _scratch);
            _tokens.Next();
        }

        simple = default;
        return false;
    }

    private ReadOnlySpan<char> LiteralBody() => _tokens.Source.AsSpan(_tokens.Start + 1, _tokens.End - _tokens.Start - 2);

    private ulong ConsumeUnsignedInteger(ulong max)
    {
        if (_tokens.Kind != TextTokenKind.Integer)
        {
            throw Error($"Expected integer, got: {_tokens.Text}");
        }

        if (!TextNumbers.TryParseInteger(_tokens.Span, max, out ulong value))
        {
            throw Error($"Integer out of range ({_tokens.Text})");
        }

        _tokens.Next();
        return value;
    }

    private long ConsumeSignedInteger(ulong max)
    {
        bool negative = TryConsume('-');

        // Two's complement allows one more negative value than positive.
        ulong magnitude = ConsumeUnsignedInteger(negative ? max + 1 : max);
        return negative ? (long)(0UL - magnitude) : (long)magnitude;
    }

    private double ConsumeDouble()
    {
        bool negative = TryConsume('-');
        double value;
        switch (_tokens.Kind)
        {
            case TextTokenKind.Integer:
                {
                    ReadOnlySpan<char> digits = _tokens.Span;
                    if (digits.Length >= 2 && digits[0] == '0' && (digits[1] is 'x' or 'X' || char.IsAsciiDigit(digits[1])))
                    {
                        throw Error($"Expect a decimal number, got: {_tokens.Text}");
                    }

                    value = TextNumbers.TryParseInteger(digits, ulong.MaxValue, out ulong integer)
                        ? integer
                        : TextNumbers.ParseFloat(digits);
                    _tokens.Next();
                    break;
                }

            case TextTokenKind.Float:
                value = TextNumbers.ParseFloat(_tokens.Span);
                _tokens.Next();
                break;

            case TextTokenKind.Identifier:
                {
                    ReadOnlySpan<char> word = _tokens.Span;
                    if (word.Equals("inf", StringComparison.OrdinalIgnoreCase) || word.Equals("infinity", StringComparison.OrdinalIgnoreCase))
                    {
                        value = double.PositiveInfinity;
                    }
                    else if (word.Equals("nan", StringComparison.OrdinalIgnoreCase))
                    {
                        value = PositiveQuietNaN;
                    }
                    else
                    {
                        throw Error($"Expected double, got: {_tokens.Text.ToLowerInvariant()}");
                    }

                    _tokens.Next();
                    break;
                }

            default:
                throw Error($"Expected double, got: {_tokens.Text}");
        }

        return negative ? -value : value;
    }

    // C++ quiet_NaN(); .NET's double.NaN has the sign bit set, and generated Equals compares bits.
    private static readonly double PositiveQuietNaN = BitConverter.Int64BitsToDouble(0x7FF8_0000_0000_0000);

    private void ConsumeExpandedAny(Any any)
    {
        ConsumeTypeUrlOrFullTypeName(out string typeName, out string urlPrefix);
        if (urlPrefix.Length == 0)
        {
            throw _tokens.ErrorAt(_afterBracket, "Type URL prefix is missing");
        }

        string typeUrl = urlPrefix + typeName;
        TryConsume(':');
        MessageDescriptor type = FindAnyType(typeName)
            ?? throw Error($"Could not find type \"{typeUrl}\" stored in google.protobuf.Any.");

        IMessage value = ProtoDefaults.NewMessage(type);
        char closing = ConsumeMessageDelimiter();
        var valueTarget = new MessageFieldTarget(value);
        ConsumeMessageBody(ref valueTarget, closing);

        List<string> missing = RequiredFieldChecker.FindMissing(value);
        if (missing.Count > 0)
        {
            throw Error($"Value of type \"{type.FullName}\" stored in google.protobuf.Any has missing required fields: {string.Join(", ", missing)}");
        }

        if (_forbidOverwrites && (any.TypeUrl.Length > 0 || !any.Value.IsEmpty))
        {
            throw Error("Non-repeated Any specified multiple times.");
        }

        any.TypeUrl = typeUrl;
        any.Value = value.ToByteString();
    }

    private MessageDescriptor? FindAnyType(string fullName)
    {
        if (_anyTypes?.Find(fullName) is { } registered)
        {
            return registered;
        }

        // Without a registry entry, C++ looks in the pool that holds the parsed type: here the root
        // type's file and everything it imports.
        _rootTypes ??= TypeRegistry.FromFiles(_root.File);
        return _rootTypes.Find(fullName);
    }

    /// <summary>Reads <c>[type.googleapis.com/pkg.Msg]</c> or <c>[pkg.ext]</c> and validates it as C++ does.</summary>
    private void ConsumeTypeUrlOrFullTypeName(out string fullTypeName, out string urlPrefix)
    {
        _tokens.UrlMode = true;
        Consume('[');
        var text = new StringBuilder();
        while (_tokens.Kind == TextTokenKind.UrlChars)
        {
            text.Append(_tokens.Span);
            _tokens.Next();
        }

        _tokens.UrlMode = false;
        Consume(']');

        // C++ reports problems with the name where the closing bracket ends (at the whitespace after it).
        _afterBracket = _tokens.PreviousEnd;

        string all = text.ToString();
        int lastSlash = all.LastIndexOf('/');
        if (lastSlash < 0)
        {
            urlPrefix = string.Empty;
            fullTypeName = all;
        }
        else
        {
            urlPrefix = all[..(lastSlash + 1)];
            fullTypeName = all[(lastSlash + 1)..];
            if (urlPrefix == "/")
            {
                throw _tokens.ErrorAt(_afterBracket, "Type URL prefix is empty");
            }

            if (urlPrefix[0] == '/')
            {
                throw _tokens.ErrorAt(_afterBracket, "Type URL starts with \"/\"");
            }

            for (int i = 0; i < urlPrefix.Length; i++)
            {
                if (urlPrefix[i] == '%' && (i + 2 >= urlPrefix.Length || !char.IsAsciiHexDigit(urlPrefix[i + 1]) || !char.IsAsciiHexDigit(urlPrefix[i + 2])))
                {
                    throw _tokens.ErrorAt(_afterBracket, $"Invalid percent encode, got: \"{urlPrefix.Substring(i, Math.Min(3, urlPrefix.Length - i))}\"");
                }
            }
        }

        foreach (string identifier in fullTypeName.Split('.'))
        {
            if (identifier.Length == 0 || !(char.IsAsciiLetter(identifier[0]) || identifier[0] == '_')
                || identifier.AsSpan(1).ContainsAnyExcept(IdentifierChars))
            {
                throw _tokens.ErrorAt(_afterBracket, $"Invalid identifier in type name, got: \"{identifier}\"");
            }
        }
    }

    private static readonly SearchValues<char> IdentifierChars =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");

    // Skipping (values of reserved fields): C++ SkipField / SkipFieldMessage / SkipFieldValue.
    private void SkipField()
    {
        if (_tokens.IsSymbol('['))
        {
            ConsumeTypeUrlOrFullTypeName(out _, out _);
        }
        else
        {
            ConsumeIdentifier();
        }

        if (TryConsume(':') && !_tokens.IsSymbol('{') && !_tokens.IsSymbol('<'))
        {
            SkipFieldValue();
        }
        else
        {
            SkipFieldMessage();
        }

        SkipSeparator();
    }

    private void SkipFieldMessage()
    {
        if (--_depthLeft < 0)
        {
            throw Error($"Message is too deep, the parser exceeded the configured recursion limit of {RecursionLimit}.");
        }

        char closing = ConsumeMessageDelimiter();
        while (!_tokens.IsSymbol('>') && !_tokens.IsSymbol('}'))
        {
            SkipField();
        }

        Consume(closing);
        _depthLeft++;
    }

    private void SkipFieldValue()
    {
        if (--_depthLeft < 0)
        {
            throw Error($"Message is too deep, the parser exceeded the configured recursion limit of {RecursionLimit}.");
        }

        if (_tokens.Kind == TextTokenKind.String)
        {
            while (_tokens.Kind == TextTokenKind.String)
            {
                _tokens.Next();
            }
        }
        else if (TryConsume('['))
        {
            if (!TryConsume(']'))
            {
                while (true)
                {
                    if (_tokens.IsSymbol('{') || _tokens.IsSymbol('<'))
                    {
                        SkipFieldMessage();
                    }
                    else
                    {
                        SkipFieldValue();
                    }

                    if (TryConsume(']'))
                    {
                        break;
                    }

                    Consume(',');
                }
            }
        }
        else
        {
            bool minus = TryConsume('-');
            if (_tokens.Kind is not (TextTokenKind.Integer or TextTokenKind.Float or TextTokenKind.Identifier))
            {
                throw Error($"Cannot skip field value, unexpected token: {_tokens.Text}");
            }

            if (minus && _tokens.Kind == TextTokenKind.Identifier)
            {
                string word = _tokens.Text.ToLowerInvariant();
                if (word is not ("inf" or "infinity" or "nan"))
                {
                    throw Error($"Invalid float number: {word}");
                }
            }

            _tokens.Next();
        }

        _depthLeft++;
    }

    private ReadOnlySpan<char> ConsumeIdentifier()
    {
        if (_tokens.Kind != TextTokenKind.Identifier)
        {
            throw Error($"Expected identifier, got: {_tokens.Text}");
        }

        ReadOnlySpan<char> identifier = _tokens.Span;
        _tokens.Next();
        return identifier;
    }

    private void Consume(char symbol)
    {
        if (!_tokens.IsSymbol(symbol))
        {
            throw Error($"Expected \"{symbol}\", found \"{_tokens.Text}\".");
        }

        _tokens.Next();
    }

    private bool TryConsume(char symbol)
    {
        if (!_tokens.IsSymbol(symbol))
        {
            return false;
        }

        _tokens.Next();
        return true;
    }

    /// <summary>An error at the current token, where C++ reports parser errors.</summary>
    private TextFormatException Error(string description) => _tokens.ErrorAt(_tokens.Start, description);
}
