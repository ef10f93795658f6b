using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;
using NServe.Core.Config.TextFormat;
using Tensorflow;
using Tensorflow.Serving;

namespace NServe.Core.Tests.Config;

/// <summary>
/// Every error the reader reports, with the position and wording of protobuf's C++ parser (each expectation
/// was checked against protoc; <see cref="TextFormatConformanceTests"/> repeats the comparison live).
/// </summary>
public sealed class TextFormatErrorTests
{
    [Theory]
    // Strings.
    [InlineData("name: \"abc", "1:11: Unexpected end of string.")]
    [InlineData("name: 'abc\"", "1:12: Unexpected end of string.")]
    [InlineData("name: \"ab\ncd\"", "1:10: Multiline strings are not allowed. Did you miss a \"?.")]
    [InlineData("name: \"a\\qb\"", "1:10: Invalid escape sequence in string literal.")]
    [InlineData("name: \"a\\x\"", "1:11: Expected hex digits for escape sequence.")]
    [InlineData("name: \"a\\u12\"", "1:13: Expected four hex digits for \\u escape sequence.")]
    [InlineData("name: \"a\\U00200000\"", "1:13: Expected eight hex digits up to 10ffff for \\U escape sequence")]
    [InlineData("name: 5", "1:7: Expected string, got: 5")]
    // Structure: missing or mismatched braces, missing colon, unknown field.
    [InlineData("message_type { name: \"x\"", "1:25: Expected identifier, got: ")]
    [InlineData("message_type { name: \"x\" >", "1:26: Expected \"}\", found \">\".")]
    [InlineData("message_type < name: \"x\" }", "1:26: Expected \">\", found \"}\".")]
    [InlineData("}", "1:1: Expected identifier, got: }")]
    [InlineData("name \"x\"", "1:6: Expected \":\", found \"\"x\"\".")]
    [InlineData("message_type: 1", "1:15: Expected \"{\", found \"1\".")]
    [InlineData("dependency: [\"a\" \"b\"", "1:21: Expected \",\", found \"\".")]
    [InlineData("improperly formatted file", "1:12: Message type \"google.protobuf.FileDescriptorProto\" has no field named \"improperly\".")]
    [InlineData("name: \"a\"\n\tfoo: 1", "2:12: Message type \"google.protobuf.FileDescriptorProto\" has no field named \"foo\".")]
    [InlineData("name: \"é\" foo: 1", "1:15: Message type \"google.protobuf.FileDescriptorProto\" has no field named \"foo\".")]
    [InlineData("123: 4", "1:1: Expected identifier, got: 123")]
    [InlineData("name: \"a\" name: \"b\"", "1:15: Non-repeated field \"name\" is specified multiple times.")]
    // Integers: wrong type, range, malformed numbers.
    [InlineData("message_type { field { number: 2147483648 } }", "1:32: Integer out of range (2147483648)")]
    [InlineData("message_type { field { number: -2147483649 } }", "1:33: Integer out of range (2147483649)")]
    [InlineData("message_type { field { number: 1.5 } }", "1:32: Expected integer, got: 1.5")]
    [InlineData("message_type { field { number: \"1\" } }", "1:32: Expected integer, got: \"1\"")]
    [InlineData("message_type { field { number: 0x } }", "1:34: \"0x\" must be followed by hex digits.")]
    [InlineData("message_type { field { number: 09 } }", "1:33: Numbers starting with leading zero must be in octal.")]
    [InlineData("message_type { field { number: 1abc } }", "1:33: Need space between number and identifier.")]
    [InlineData("message_type { field { number: 0x1.5 } }", "1:35: Hex and octal numbers must be integers.")]
    [InlineData("message_type { field { number: 1.5.5 } }", "1:35: Already saw decimal point or exponent; can't have another one.")]
    [InlineData("message_type { options { uninterpreted_option { positive_int_value: -1 } } }", "1:69: Expected integer, got: -")]
    // Floats.
    [InlineData("message_type { options { uninterpreted_option { double_value: 1e } } }", "1:65: \"e\" must be followed by exponent.")]
    [InlineData("message_type { options { uninterpreted_option { double_value: 0x10 } } }", "1:63: Expect a decimal number, got: 0x10")]
    [InlineData("message_type { options { uninterpreted_option { double_value: Infinite } } }", "1:63: Expected double, got: infinite")]
    [InlineData("message_type { options { uninterpreted_option { double_value: \"1\" } } }", "1:63: Expected double, got: \"1\"")]
    // Booleans.
    [InlineData("options { java_multiple_files: 2 }", "1:32: Integer out of range (2)")]
    [InlineData("options { java_multiple_files: yes }", "1:36: Invalid value for boolean field \"java_multiple_files\". Value: \"yes\".")]
    [InlineData("options { java_multiple_files: \"true\" }", "1:32: Expected identifier, got: \"true\"")]
    // Enums: unknown names, and numbers a closed (proto2) enum does not declare.
    [InlineData("message_type { field { label: LABEL_FOO } }", "1:41: Unknown enumeration value of \"LABEL_FOO\" for field \"label\".")]
    [InlineData("message_type { field { label: 7 } }", "1:33: Unknown enumeration value of \"7\" for field \"label\".")]
    [InlineData("message_type { field { label: \"LABEL_OPTIONAL\" } }", "1:31: Expected integer or identifier, got: \"LABEL_OPTIONAL\"")]
    // Extensions, and characters outside the grammar.
    [InlineData("options { [foo.bar]: 1 }", "1:20: Extension \"foo.bar\" is not defined or is not an extension of \"google.protobuf.FileOptions\".")]
    [InlineData("options { [type.googleapis.com/foo.Bar] { } }", "1:40: Extension name contains \"/\"")]
    [InlineData("name: \"a\" \u0001", "1:11: Invalid control characters encountered in text.")]
    [InlineData("name: \"a\" \u00e9", "1:11: Interpreting non ascii codepoint 195.")]
    [InlineData("options { php_generic_services: -foo }", "1:34: Invalid float number: foo")]
    [InlineData("options { php_generic_services: } }", "1:33: Cannot skip field value, unexpected token: }")]
    public void FileDescriptorProtoErrors(string text, string expected)
    {
        var error = Assert.Throws<TextFormatException>(() => TextFormatParser.Parse<FileDescriptorProto>(text));

        Assert.Equal(expected, error.Message);
    }

    [Theory]
    [InlineData("null_value: NOT_NULL", "1:21: Unknown enumeration value of \"NOT_NULL\" for field \"null_value\".")]
    [InlineData("number_value: 1 string_value: \"a\"", "1:29: Field \"string_value\" is specified along with field \"number_value\", another member of oneof \"kind\".")]
    [InlineData("number_value: 1 number_value: 2", "1:29: Non-repeated field \"number_value\" is specified multiple times.")]
    [InlineData("null_value: NULL_VALUE.5", "1:23: Need space between identifier and decimal point.")]
    public void ValueErrors(string text, string expected)
    {
        var error = Assert.Throws<TextFormatException>(() => TextFormatParser.Parse<Value>(text));

        Assert.Equal(expected, error.Message);
    }

    [Theory]
    [InlineData("fields { key: \"a\" key: \"b\" }", "1:22: Non-repeated field \"key\" is specified multiple times.")]
    [InlineData("fields { key: \"a\" nope: 1 }", "1:23: Message type \"google.protobuf.Struct.FieldsEntry\" has no field named \"nope\".")]
    [InlineData("fields { key: 1 }", "1:15: Expected string, got: 1")]
    public void MapEntryErrors(string text, string expected)
    {
        var error = Assert.Throws<TextFormatException>(() => TextFormatParser.Parse<Struct>(text));

        Assert.Equal(expected, error.Message);
    }

    [Theory]
    [InlineData("max_batch_size: 128", "1:17: Expected \"{\", found \"128\".")]
    [InlineData("max_batch_size { value: \"128\" }", "1:25: Expected integer, got: \"128\"")]
    [InlineData("max_batch_size { value: 1 } max_batch_size { value: 2 }", "1:44: Non-repeated field \"max_batch_size\" is specified multiple times.")]
    public void WrapperErrors(string text, string expected)
    {
        var error = Assert.Throws<TextFormatException>(() => TextFormatParser.Parse<BatchingParameters>(text));

        Assert.Equal(expected, error.Message);
    }

    [Theory]
    [InlineData("options { value { [google.protobuf.SourceContext] { } } }", "1:50: Type URL prefix is missing")]
    [InlineData("options { value { [type.googleapis.com/google.protobuf.Nope] { } } }", "1:62: Could not find type \"type.googleapis.com/google.protobuf.Nope\" stored in google.protobuf.Any.")]
    [InlineData("options { value { [/google.protobuf.SourceContext] { } } }", "1:51: Type URL prefix is empty")]
    [InlineData("options { value { [x/1bad] { } } }", "1:27: Invalid identifier in type name, got: \"1bad\"")]
    [InlineData("options { value { [a%2/google.protobuf.SourceContext] { } } }", "1:54: Invalid percent encode, got: \"%2/\"")]
    [InlineData("options { value { [type.googleapis.com/google.protobuf.SourceContext] { file_name: 1 } } }", "1:84: Expected string, got: 1")]
    [InlineData("options { value { [type.googleapis.com/google.protobuf.SourceContext] { } [type.googleapis.com/google.protobuf.SourceContext] { } } }", "1:131: Non-repeated Any specified multiple times.")]
    public void ExpandedAnyErrors(string text, string expected)
    {
        var error = Assert.Throws<TextFormatException>(() => TextFormatParser.Parse<Google.Protobuf.WellKnownTypes.Type>(text));

        Assert.Equal(expected, error.Message);
    }

    [Fact]
    public void MissingRequiredFieldsAreNamedByPathWithoutAPosition()
    {
        var error = Assert.Throws<TextFormatException>(() => TextFormatParser.Parse<FileDescriptorProto>(
            "options { uninterpreted_option { name { name_part: \"x\" } } }"));

        Assert.Equal("Message missing required fields: options.uninterpreted_option[0].name[0].is_extension", error.Message);
        Assert.Equal((0, 0), (error.Line, error.Column));
    }

    [Fact]
    public void RequiredFieldsInsideAnAnyValueAreChecked()
    {
        var error = Assert.Throws<TextFormatException>(() => TextFormatParser.Parse<Any>(
            "[type.googleapis.com/google.protobuf.UninterpretedOption.NamePart] { name_part: 'x' }",
            TypeRegistry.FromMessages(UninterpretedOption.Types.NamePart.Descriptor)));

        Assert.Equal("1:86: Value of type \"google.protobuf.UninterpretedOption.NamePart\" stored in google.protobuf.Any has missing required fields: is_extension", error.Message);
    }

    [Fact]
    public void NestingDeeperThanTheRecursionLimitIsRejected()
    {
        string deep = string.Concat(Enumerable.Repeat("struct_value { fields { key: 'k' value { ", 40)) + string.Concat(Enumerable.Repeat("} } }", 40));

        var error = Assert.Throws<TextFormatException>(() => TextFormatParser.Parse<Value>(deep));

        Assert.EndsWith("Message is too deep, the parser exceeded the configured recursion limit of 100.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InvalidUtf8InAStringFieldIsRejected()
    {
        // A .NET string cannot hold these bytes; a bytes field can (see the parser tests).
        var error = Assert.Throws<TextFormatException>(() => TextFormatParser.Parse<NodeDef>("op: 'Const'\nname: \"ok\" \"\\377\""));

        Assert.Equal("2:7: String field \"name\" contains invalid UTF-8; use a bytes field for binary data.", error.Message);
    }

    [Fact]
    public void ExceptionCarriesPositionDescriptionAndTypeName()
    {
        var error = Assert.Throws<TextFormatException>(() => TextFormatParser.Parse<ModelServerConfig>(
            "model_config_list {\n  config {\n    name: 'm'\n    base_path: 7\n  }\n}\n"));

        Assert.Equal(4, error.Line);
        Assert.Equal(16, error.Column);
        Assert.Equal("Expected string, got: 7", error.Description);
        Assert.Equal("tensorflow.serving.ModelServerConfig", error.TypeName);
        Assert.Equal("4:16: Expected string, got: 7", error.Message);
        Assert.Equal("Error parsing text-format tensorflow.serving.ModelServerConfig: 4:16: Expected string, got: 7", error.ParseErrorMessage);
    }

    [Fact]
    public void MergeReportsErrorsToo()
    {
        var error = Assert.Throws<TextFormatException>(() => TextFormatParser.Merge(new MonitoringConfig(), "prometheus_config { enable: maybe }"));

        Assert.Equal("1:35: Invalid value for boolean field \"enable\". Value: \"maybe\".", error.Message);
    }
}
