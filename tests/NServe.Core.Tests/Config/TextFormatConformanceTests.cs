using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;
using NServe.Core.Config.TextFormat;
using NServe.Core.Tests.Config.Fixtures;
using Tensorflow;
using Tensorflow.Serving;

namespace NServe.Core.Tests.Config;

/// <summary>
/// Differential tests: each input is parsed by our reader and by protoc (the C++ TextFormat parser). Both must
/// accept it and produce equal messages, or both must reject it with the same first error, position included.
/// </summary>
public sealed class TextFormatConformanceTests
{
    private static readonly Dictionary<string, MessageDescriptor> Types = new()
    {
        ["file"] = FileDescriptorProto.Descriptor,
        ["value"] = Value.Descriptor,
        ["struct"] = Struct.Descriptor,
        ["any"] = Any.Descriptor,
        ["type"] = Google.Protobuf.WellKnownTypes.Type.Descriptor,
        ["tensor"] = TensorProto.Descriptor,
        ["node"] = NodeDef.Descriptor,
        ["batching"] = BatchingParameters.Descriptor,
        ["models"] = ModelServerConfig.Descriptor,
        ["platforms"] = PlatformConfigMap.Descriptor,
        ["scalars"] = Scalars.Descriptor,
        ["shapes"] = Shapes.Descriptor,
        ["legacy"] = Legacy.Descriptor,
    };

    public static MessageDescriptor TypeNamed(string name) => Types[name];

    public static TheoryData<string, string> Cases() => new()
    {
        // Layout: separators, both delimiters, optional colon before messages, comments, empty input.
        { "file", "" },
        { "file", "# only a comment\n" },
        { "file", "name: \"a.proto\" package: 'pkg'; dependency: \"x\", dependency: \"y\"" },
        { "file", "message_type { name: \"M\" } message_type < name: \"N\" > message_type: { name: \"O\" }" },
        { "file", "message_type {\n  name: \"M\" # trailing comment\n  field { name: \"f\" number: 1 label: LABEL_OPTIONAL type: TYPE_INT32 }\n}\n" },
        { "file", "dependency: [\"a\", \"b\"] dependency: [] dependency: \"c\"" },
        { "file", "message_type: [{ name: \"A\" }, < name: \"B\" >]" },
        { "file", "message_type { name: \"A\" > " },
        { "file", "message_type { name: \"A\" " },
        { "file", "message_type < name: \"A\" }" },
        { "file", "}" },
        { "file", "name \"x\"" },
        { "file", "message_type \"x\"" },
        { "file", "message_type: 1" },
        { "file", "dependency: [\"a\" \"b\"]" },
        { "file", "dependency: [\"a\", ]" },
        { "file", "name: \"a\" name: \"b\"" },
        { "file", "improperly formatted file" },
        { "file", "name: \"a\"\n\tfoo: 1" },
        { "file", "name: \"é\" foo: 1" },
        { "file", "options { php_generic_services: true java_package: \"p\" }" },
        { "file", "options { php_generic_services { a: 1 b { c: \"d\" } } java_package: \"p\" }" },
        { "file", "options { php_generic_services: [1, -2, inf, \"s\" 'c', {x: 1}] }" },
        { "file", "options { php_generic_services: -foo }" },
        { "file", "options { php_generic_services: } }" },
        { "file", "123: 4" },
        { "file", "options { [foo.bar]: 1 }" },
        { "file", "options { [type.googleapis.com/foo.Bar] { } }" },

        // Strings and bytes: quotes, escapes, concatenation, unicode.
        { "file", "name: 'it\\'s' package: \"say \\\"hi\\\"\"" },
        { "file", "name: \"\\a\\b\\f\\n\\r\\t\\v\\\\\\?\\'\\\"\"" },
        { "file", "name: \"\\101\\x42\\x4\\103D\" package: \"a\" 'b' \"c\"" },
        { "file", "name: \"\\u00e9\\U0001F600\\ud83d\\ude00 é\"" },
        { "file", "message_type { options { uninterpreted_option { string_value: \"\\000\\001\\377\\xff\\x0 z\\777\" } } }" },
        { "file", "message_type { options { uninterpreted_option { string_value: \"\\ud800\" \"\\U0010ffff\" } } }" },
        { "file", "message_type { options { uninterpreted_option { string_value: \"\\U00110000\" } } }" },
        { "file", "name: \"abc" },
        { "file", "name: 'abc\"" },
        { "file", "name: \"ab\ncd\"" },
        { "file", "name: \"a\\qb\"" },
        { "file", "name: \"a\\x\"" },
        { "file", "name: \"a\\u12\"" },
        { "file", "name: \"a\\U0002FFFF\"" },
        { "file", "name: \"a\\U00001\"" },
        { "file", "name: \"a\\U00200000\"" },
        { "file", "name: \"a\\" },
        { "file", "name: 5" },
        { "file", "name: x" },

        // Integers.
        { "file", "message_type { field { number: 0x1F } field { number: 017 } field { number: 0 } field { number: 00 } }" },
        { "file", "message_type { field { number: -2147483648 } }" },
        { "file", "message_type { field { number: 2147483647 } }" },
        { "file", "message_type { field { number: 2147483648 } }" },
        { "file", "message_type { field { number: -2147483649 } }" },
        { "file", "message_type { field { number: - 5 } }" },
        { "file", "message_type { field { number: 1.5 } }" },
        { "file", "message_type { field { number: 1e3 } }" },
        { "file", "message_type { field { number: 0x } }" },
        { "file", "message_type { field { number: 09 } }" },
        { "file", "message_type { field { number: 1abc } }" },
        { "file", "message_type { field { number: 0x1.5 } }" },
        { "file", "message_type { field { number: 1.5.5 } }" },
        { "file", "message_type { field { number: \"1\" } }" },
        { "file", "message_type { field { number: 99999999999999999999999 } }" },
        { "file", "message_type { options { uninterpreted_option { positive_int_value: 18446744073709551615 negative_int_value: -9223372036854775808 } } }" },
        { "file", "message_type { options { uninterpreted_option { positive_int_value: 18446744073709551616 } } }" },
        { "file", "message_type { options { uninterpreted_option { positive_int_value: -1 } } }" },
        { "file", "message_type { options { uninterpreted_option { negative_int_value: 9223372036854775808 } } }" },
        { "tensor", "uint32_val: 4294967295 uint32_val: 0xffffffff uint64_val: 0 int64_val: -0x10 half_val: -017" },
        { "tensor", "uint32_val: 4294967296" },

        // Floating point.
        { "file", "message_type { options { uninterpreted_option { double_value: 1.5e-3 } } }" },
        { "file", "message_type { options { uninterpreted_option { double_value: .5 } } }" },
        { "file", "message_type { options { uninterpreted_option { double_value: 5. } } }" },
        { "file", "message_type { options { uninterpreted_option { double_value: -inf } } }" },
        { "file", "message_type { options { uninterpreted_option { double_value: Infinity } } }" },
        { "file", "message_type { options { uninterpreted_option { double_value: -NaN } } }" },
        { "file", "message_type { options { uninterpreted_option { double_value: 1.5f } } }" },
        { "file", "message_type { options { uninterpreted_option { double_value: 2F } } }" },
        { "file", "message_type { options { uninterpreted_option { double_value: 12345678901234567890123 } } }" },
        { "file", "message_type { options { uninterpreted_option { double_value: 1e400 } } }" },
        { "file", "message_type { options { uninterpreted_option { double_value: 0x10 } } }" },
        { "file", "message_type { options { uninterpreted_option { double_value: 010 } } }" },
        { "file", "message_type { options { uninterpreted_option { double_value: 1e } } }" },
        { "file", "message_type { options { uninterpreted_option { double_value: 1e+ } } }" },
        { "file", "message_type { options { uninterpreted_option { double_value: infinite } } }" },
        { "file", "message_type { options { uninterpreted_option { double_value: \"1\" } } }" },
        { "file", "message_type { options { uninterpreted_option { identifier_value: \"x\" aggregate_value: 'y' } } }" },
        { "tensor", "float_val: [1, -2.5, 3e38, 4e38, -1e39, 1e-50, nan, inf, -inf, 0.1f] double_val: 0.1" },
        { "tensor", "float_val: 1, float_val: 2; float_val: 3" },
        { "tensor", "float_val: [3.4028235e38, -3.4028235e38, 3.40282356e38, 3.4028236e38, -3.4028236e38, 1e-46, 1.4e-45] double_val: [1e-400, 1.7976931348623157e308, 1.8e308]" },
        { "value", "number_value: -0" },
        { "value", "number_value: blah.5" },
        { "value", "null_value: NULL_VALUE.5" },

        // Booleans.
        { "file", "options { java_multiple_files: true cc_enable_arenas: t java_generic_services: True py_generic_services: 1 }" },
        { "file", "options { java_multiple_files: false cc_enable_arenas: f java_generic_services: False py_generic_services: 0 }" },
        { "file", "options { java_multiple_files: 2 }" },
        { "file", "options { java_multiple_files: yes }" },
        { "file", "options { java_multiple_files: \"true\" }" },
        { "file", "options { java_multiple_files: 0x1 }" },
        { "tensor", "bool_val: [true, f, 1, False]" },

        // Enums: names, numbers, closed (proto2) and open (proto3) enums.
        { "file", "message_type { field { label: LABEL_REPEATED type: 9 } }" },
        { "file", "message_type { field { label: LABEL_FOO } }" },
        { "file", "message_type { field { label: 7 } }" },
        { "file", "message_type { field { label: -1 } }" },
        { "file", "message_type { field { label: \"LABEL_OPTIONAL\" } }" },
        { "file", "message_type { field { label: 2147483648 } }" },
        { "value", "null_value: NULL_VALUE" },
        { "value", "null_value: 7" },
        { "value", "null_value: -3" },
        { "value", "null_value: NOT_NULL" },
        { "tensor", "dtype: DT_FLOAT tensor_shape { dim { size: 2 } dim { size: -1 name: \"n\" } }" },

        // Oneofs and singular overwrites.
        { "value", "number_value: 1 string_value: \"a\"" },
        { "value", "struct_value { } list_value { }" },
        { "value", "number_value: 0 number_value: 2" },
        { "value", "number_value: 1 number_value: 2" },
        { "node", "name: \"\" name: \"n\"" },
        { "node", "name: \"n\" name: \"\"" },
        { "file", "options { } options { }" },
        { "models", "model_config_list { } custom_model_config { }" },

        // Maps.
        { "struct", "fields { key: \"a\" value { number_value: 1 } } fields { key: \"b\" value { string_value: \"x\" } }" },
        { "struct", "fields { value { bool_value: true } key: \"reversed\" } fields { key: \"only_key\" } fields { }" },
        { "struct", "fields [{ key: \"a\" value { null_value: NULL_VALUE } }, { key: \"b\" }]" },
        { "struct", "fields { key: \"a\" value { number_value: 1 } } fields { key: \"a\" value { number_value: 2 } }" },
        { "struct", "fields { key: \"a\" key: \"b\" }" },
        { "struct", "fields { key: \"a\" nope: 1 }" },
        { "struct", "fields { key: 1 }" },
        { "struct", "fields { value { list_value { values { number_value: 1 } values [{ string_value: \"s\" }] } } }" },
        { "node", "name: \"c\" op: \"Const\" attr { key: \"dtype\" value { type: DT_INT32 } } attr { key: \"value\" value { tensor { dtype: DT_INT32 tensor_shape { dim { size: 2 } } tensor_content: \"\\001\\000\\000\\000\\002\\000\\000\\000\" } } }" },
        { "models", "model_config_list { config { name: \"m\" version_labels { key: \"stable\" value: 1 } version_labels { key: 'canary' value: -2 } version_labels { value: 3 } } }" },

        // Wrappers.
        { "batching", "max_batch_size { value: 128 }\nbatch_timeout_micros { value: 0 }\nmax_enqueued_batches { value: 1000000 }\nnum_batch_threads { value: 8 }\n" },
        { "batching", "thread_pool_name { value: \"pool\" } enable_large_batch_splitting { value: true } allowed_batch_sizes: [8, 16] allowed_batch_sizes: 32 pad_variable_length_inputs: true" },
        { "batching", "max_batch_size { }" },
        { "batching", "max_batch_size: { value: 1 } max_batch_size { value: 2 }" },
        { "batching", "max_batch_size: 128" },
        { "batching", "max_batch_size { value: \"128\" }" },

        // Any: expanded form and its errors.
        { "type", "name: \"T\" options { name: \"o\" value { [type.googleapis.com/google.protobuf.StringValue] { value: \"s\" } } }" },
        { "type", "options { value { [type.googleapis.com/google.protobuf.SourceContext]: < file_name: \"f\" > } }" },
        { "type", "options { value { [ type.googleapis.com / google.protobuf.SourceContext ] { } } }" },
        { "type", "options { value { [google.protobuf.SourceContext] { } } }" },
        { "type", "options { value { [type.googleapis.com/google.protobuf.Nope] { } } }" },
        { "type", "options { value { [/google.protobuf.SourceContext] { } } }" },
        { "type", "options { value { [x/1bad] { } } }" },
        { "type", "options { value { [a%2/google.protobuf.SourceContext] { } } }" },
        { "type", "options { value { [type.googleapis.com/google.protobuf.SourceContext] { file_name: 1 } } }" },
        { "type", "options { value { [type.googleapis.com/google.protobuf.SourceContext] { } [type.googleapis.com/google.protobuf.SourceContext] { } } }" },
        { "type", "options { value { type_url: \"type.googleapis.com/x.Y\" value: \"\\001\" } }" },
        { "any", "[type.googleapis.com/google.protobuf.Any] { }" },
        { "platforms", "platform_configs { key: \"tensorflow\" value { source_adapter_config { type_url: \"t\" } } }" },
        { "platforms", "platform_configs { key: \"tensorflow\" value { source_adapter_config { [type.googleapis.com/tensorflow.serving.SavedModelBundleSourceAdapterConfig] { } } } }" },
        { "models", "model_config_list { config { model_version_policy { all {} specific { versions: 1 } } } }" },
        { "models", "model_config_list: { config: { name: \"a\", base_path: \"/b\", model_platform: \"tensorflow\" }, config: { name: \"c\" } }" },

        // Required fields (proto2) present; protoc --encode allows them missing, unlike TextFormat::Parse,
        // so the missing case is tested on its own.
        { "file", "options { uninterpreted_option { name { name_part: \"x\" is_extension: false } } }" },

        // Every scalar type, proto3 optional, open enums (fixture).
        { "scalars", "d: -1.5 f: 2.5 i32: -1 i64: -2 u32: 3 u64: 4 s32: -2147483648 s64: -9223372036854775808 fx32: 4294967295 fx64: 0xFFFFFFFFFFFFFFFF sfx32: -5 sfx64: -6 b: t s: 's' by: '\\001' color: GREEN opt: 0 colors: [RED, 2, 5, -1]" },
        { "scalars", "sfx32: 2147483648" },
        { "scalars", "fx32: -1" },
        { "scalars", "fx64: 18446744073709551616" },
        { "scalars", "s64: 9223372036854775808" },
        { "scalars", "opt: 0 opt: 1" },
        { "scalars", "i32: 0 i32: 1 f: -0 f: 1" },
        { "scalars", "color: 9 color: RED" },
        { "scalars", "colors: [RED GREEN]" },

        // Wrappers in maps and repeated fields, non-string map keys (fixture).
        { "shapes", "wrapped_values { key: 'a' value { value: 5 } } wrapped_values { key: 'b' } wrapped_values { value { } }" },
        { "shapes", "wrapped_strings [{ value: 'x' }, { }] wrapped_strings { value: 'y' } wrapped_doubles { value: nan } wrapped_doubles: { value: -1e308 }" },
        { "shapes", "by_int { key: -5 value: 'neg' } by_int { key: 0x10 } by_int { value: 'zero' }" },
        { "shapes", "by_bool { key: true value: GREEN } by_bool { key: f } by_bool { key: 1 value: 7 }" },
        { "shapes", "by_uint64 { key: 18446744073709551615 value { s: 'max' } } by_uint64 { key: 0 value { } }" },
        { "shapes", "wrapped_bytes { value: '\\377\\000' } wrapped_uint32 { value: 4294967295 }" },
        { "shapes", "by_int { key: 'x' }" },
        { "shapes", "by_bool { key: 2 }" },
        { "shapes", "by_uint64 { key: -1 }" },
        { "shapes", "wrapped_values { key: 'a' value: 5 }" },
        { "shapes", "wrapped_values { key: 'a' value { value: 1 } value { value: 2 } }" },
        { "shapes", "wrapped_strings { value: 1 }" },
        { "shapes", "wrapped_uint32 { value: -1 }" },

        // Proto2: groups by type name or field name, closed enums, defaults (fixture).
        { "legacy", "Item { label: 'a' weight: 1 } Item { label: 'b' } Meta { note: 'n' }" },
        { "legacy", "item { label: 'a' } meta < note: 'n' >" },
        { "legacy", "ITEM { label: 'a' }" },
        { "legacy", "Meta { } Meta { }" },
        { "legacy", "size: SMALL" },
        { "legacy", "size: 7" },
        { "legacy", "size: 2 size: 1" },

        // Lexical errors outside strings.
        { "file", "name: \"a\" \u0001" },
        { "file", "name: \"a\" \u00e9" },
        { "file", "name: \"a\" \u4e2d" },
        { "file", "name: \"a\" @" },
        { "file", "name: \"a\0b\"" },
        { "file", "name: \"a\" # comment \0 more\npackage: \"p\"" },
        { "file", "name: \"a\\\0\"" },
        { "file", "name: \"a\"\r\npackage: \"p\" \r\n foo: 1" },
        { "file", "name:\"a\"package:\"b\"" },
        { "file", "message_type{name:\"M\"field{number:1;name:\"f\",}}" },
    };

    [ProtocTheory]
    [MemberData(nameof(Cases))]
    public void ParsesAsProtocDoes(string type, string text)
    {
        MessageDescriptor descriptor = TypeNamed(type);
        (byte[]? binary, string? error) = ProtocReference.Encode(descriptor.FullName, descriptor.File.Name, text);

        IMessage? parsed = null;
        TextFormatException? failure = null;
        try
        {
            parsed = TextFormatParser.Parse(descriptor, text);
        }
        catch (TextFormatException e)
        {
            failure = e;
        }

        if (error is null)
        {
            Assert.Null(failure);
            IMessage expected = descriptor.Parser.ParseFrom(binary!);
            Assert.Equal(expected, parsed);
        }
        else
        {
            Assert.NotNull(failure);
            Assert.Equal(error, failure.Message);
        }
    }
}
