using NServe.Core.Errors;
using NServe.Core.Tensors;
using static NServe.Server.Tests.Rest.Json.JsonTestSupport;

namespace NServe.Server.Tests.Rest.Json;

/// <summary>
/// Request errors carry TF Serving's texts (rest_api.md §3-4, json_tensor.cc), checked in its order:
/// JSON, root object, signature_name, signature, then instances/inputs, then values.
/// </summary>
public class PredictRequestErrorTests
{
    private static readonly Core.Servables.Signature IntInput = Signature(("default", TensorDataType.Int32));
    private static readonly Core.Servables.Signature FloatInput = Signature(("x", TensorDataType.Float));
    private static readonly Core.Servables.Signature TwoInputs = Signature(("int_tensor", TensorDataType.Int32), ("str_tensor", TensorDataType.String));

    [Fact]
    public void Empty_body()
    {
        var error = ReadError("", IntInput);

        Assert.Equal(StatusCode.InvalidArgument, error.Code);
        Assert.Equal("JSON Parse error: The document is empty", error.Message);
    }

    [Fact]
    public void Malformed_json_from_the_handler_test()
    {
        Assert.Equal("JSON Parse error: Invalid value. at offset: 0", ReadError("instances = [1, 2]", IntInput).Message);
    }

    [Fact]
    public void Root_must_be_an_object()
    {
        Assert.Equal("JSON Value: [\n    1,\n    2\n] Is not object", ReadError("[1, 2]", IntInput).Message);
        Assert.Equal("JSON Value: 2.5 Is not object", ReadError("2.5", IntInput).Message);
    }

    [Fact]
    public void Signature_name_must_be_a_string()
    {
        var error = ReadError("""{ "signature_name": 100 }""", IntInput);

        Assert.Equal(StatusCode.InvalidArgument, error.Code);
        Assert.Equal(
            "JSON Value: {\n    \"signature_name\": 100\n} not formatted correctly. 'signature_name' key must be a string value.",
            error.Message);
        Assert.Contains("must be a string value", ReadError("""{"signature_name": 5, "instances": [[1,2],[3,4],[5,6,7]]}""", IntInput).Message);
    }

    [Fact]
    public void Deeply_nested_signature_name_is_reported_with_a_truncated_value()
    {
        const int depth = 500_000;
        var error = ReadError("""{"signature_name": """ + new string('[', depth) + new string(']', depth) + "}", IntInput);

        Assert.EndsWith(" not formatted correctly. 'signature_name' key must be a string value.", error.Message);
        Assert.StartsWith("JSON Value: {\n    \"signature_name\": [\n        [\n            [", error.Message);
        Assert.True(error.Message.Length < 400, error.Message);
    }

    [Fact]
    public void Signature_without_inputs()
    {
        var noInputs = Signature();

        Assert.Equal("Failed to get input map for signature: DEFAULT", ReadError("""{"instances": [1]}""", noInputs).Message);
        Assert.Equal("Failed to get input map for signature: s", ReadError("""{"signature_name": "s", "instances": [1]}""", noInputs).Message);
    }

    [Fact]
    public void Both_or_neither_of_instances_and_inputs()
    {
        Assert.Equal(
            "JSON Value: {\n    \"instances\": [\n        1\n    ],\n    \"inputs\": [\n        1\n    ]\n} Not formatted correctly expecting only one of 'inputs' or 'instances' keys to exist ",
            ReadError("""{"instances": [1], "inputs": [1]}""", IntInput).Message);
        Assert.Equal("Missing 'inputs' or 'instances' key", ReadError("""{"signature_name": "serving_default"}""", IntInput).Message);
        Assert.Equal("Missing 'inputs' or 'instances' key", ReadError("{}", IntInput).Message);
    }

    [Fact]
    public void Instances_must_be_a_non_empty_list()
    {
        Assert.Equal(
            "JSON Value: {\n    \"instances\": {\n        \"x\": 1\n    }\n} Expecting 'instances' to be an list/array",
            ReadError("""{"instances": {"x": 1}}""", IntInput).Message);
        Assert.Equal("JSON Value: {\n    \"instances\": []\n} No values in 'instances' array", ReadError("""{"instances": [ ]}""", IntInput).Message);
    }

    [Fact]
    public void Wrong_type_in_row_format_is_wrapped_with_the_element()
    {
        // http_rest_api_handler_test: {"instances": ["x", "y"]} for a float input.
        var error = ReadError("""{ "instances": ["x", "y"] }""", FloatInput);

        Assert.Equal(StatusCode.InvalidArgument, error.Code);
        Assert.Equal(
            "Failed to process element: 0 of 'instances' list. Error: INVALID_ARGUMENT: JSON Value: \"x\" Type: String is not of expected type: float",
            error.Message);
    }

    [Fact]
    public void Wrong_type_in_columnar_format_is_not_wrapped()
    {
        Assert.Equal("JSON Value: \"x\" Type: String is not of expected type: float", ReadError("""{"inputs": [1, "x"]}""", FloatInput).Message);
        Assert.Equal("JSON Value: null Type: Null is not of expected type: float", ReadError("""{"inputs": [null]}""", FloatInput).Message);
        Assert.Equal("JSON Value: true Type: True is not of expected type: float", ReadError("""{"inputs": true}""", FloatInput).Message);
        Assert.Equal("JSON Value: false Type: False is not of expected type: float", ReadError("""{"inputs": [false]}""", FloatInput).Message);
        Assert.Equal(
            "JSON Value: {\n    \"b64\": \"AA==\"\n} Type: Object is not of expected type: float",
            ReadError("""{"inputs": [{"b64": "AA=="}]}""", FloatInput).Message);
        Assert.Equal("JSON Value: 1 Type: Number is not of expected type: string", ReadError("""{"inputs": [1]}""", Signature(("s", TensorDataType.String))).Message);
        Assert.Equal("JSON Value: 1 Type: Number is not of expected type: bool", ReadError("""{"inputs": [1]}""", Signature(("b", TensorDataType.Bool))).Message);
    }

    [Theory]
    [InlineData("1.5", "1.5", "int32")]
    [InlineData("1.0", "1.0", "int32")]
    [InlineData("1e2", "100.0", "int32")]
    [InlineData("2147483648", "2147483648", "int32")]
    [InlineData("-2147483649", "-2147483649", "int32")]
    [InlineData("NaN", "NaN", "int32")]
    [InlineData("-Infinity", "-Infinity", "int64")]
    [InlineData("9223372036854775808", "9223372036854775808", "int64")]
    [InlineData("-1", "-1", "uint64")]
    [InlineData("-1", "-1", "uint32")]
    [InlineData("4294967296", "4294967296", "uint32")]
    [InlineData("256", "256", "uint8")]
    [InlineData("-129", "-129", "int8")]
    [InlineData("32768", "32768", "int16")]
    [InlineData("65536", "65536", "uint16")]
    [InlineData("0.1", "0.1", "int64")]
    [InlineData("1e300", "1e+300", "int64")]
    [InlineData("18446744073709551616", "1.84467441e+19", "uint64")]
    [InlineData("1e39", "1e+39", "uint64")]
    [InlineData("1.0000000000000002", "1.0", "int32")]
    public void Integer_types_take_only_integers_in_range(string json, string printed, string type)
    {
        var dataType = type switch
        {
            "int32" => TensorDataType.Int32,
            "int64" => TensorDataType.Int64,
            "uint64" => TensorDataType.UInt64,
            "uint32" => TensorDataType.UInt32,
            "uint8" => TensorDataType.UInt8,
            "int8" => TensorDataType.Int8,
            "int16" => TensorDataType.Int16,
            _ => TensorDataType.UInt16,
        };

        Assert.Equal(
            $"JSON Value: {printed} Type: Number is not of expected type: {type}",
            ReadError($$"""{"inputs": [{{json}}]}""", Signature(("x", dataType))).Message);
    }

    [Fact]
    public void Row_instances_must_agree_in_size_then_shape()
    {
        Assert.Equal(
            "Failed to process element: 2 of 'instances' list. Error: INVALID_ARGUMENT: Expecting tensor size: 2 but got: 3",
            ReadError("""{"instances": [[1,2],[3,4],[5,6,7]]}""", IntInput).Message);
        Assert.Equal(
            "Failed to process element: 2 of 'instances' list. Error: INVALID_ARGUMENT: Expecting shape [2] but got: [1,2]",
            ReadError("""{"instances": [[1,2],[3,4],[[5,6]]]}""", IntInput).Message);
        Assert.Equal(
            "Failed to process element: 1 of 'instances' list. Error: INVALID_ARGUMENT: Expecting shape [] but got: [1]",
            ReadError("""{"instances": [1, [1]]}""", IntInput).Message);
        Assert.Equal(
            "Failed to process element: 1 of 'instances' list. Error: INVALID_ARGUMENT: JSON Value: \"a\" Type: String is not of expected type: int32",
            ReadError("""{"instances": [[1,2],["a", "b"]]}""", IntInput).Message);
    }

    [Fact]
    public void Ragged_lists_report_the_level_or_size_tf_reports()
    {
        Assert.Equal(
            "Encountered list at unexpected size: 1 at level: 1 expected size: 2",
            ReadError("""{"inputs": [[1,2],[3]]}""", IntInput).Message);
        Assert.Equal(
            "Encountered list at unexpected size: 3 at level: 1 expected size: 2",
            ReadError("""{"inputs": [[1,2],[3,4,5]]}""", IntInput).Message);
        Assert.Equal(
            "Encountered list at unexpected size: 0 at level: 1 expected size: 1",
            ReadError("""{"inputs": [[[1]], []]}""", IntInput).Message);
        Assert.Equal(
            "Encountered list at unexpected size: 1 at level: 1 expected size: 0",
            ReadError("""{"inputs": [[], [1]]}""", IntInput).Message);
        Assert.Equal(
            "JSON Value: 3 found at incorrect level: 2 in the JSON DOM. Expected at level: 2",
            ReadError("""{"inputs": [[1,2],3]}""", IntInput).Message);
        Assert.Equal(
            "Encountered list at unexpected level: 1 expected < 1",
            ReadError("""{"inputs": [1,[2]]}""", IntInput).Message);
        Assert.Equal(
            "Failed to process element: 0 of 'instances' list. Error: INVALID_ARGUMENT: Encountered list at unexpected size: 1 at level: 1 expected size: 2",
            ReadError("""{"instances": [[[1,2],[3]]]}""", IntInput).Message);
    }

    [Fact]
    public void Errors_come_in_tf_order_not_stream_order()
    {
        // TF checks a list's size on entering it, before its elements: the size error wins over "x".
        Assert.Equal(
            "Encountered list at unexpected size: 1 at level: 1 expected size: 2",
            ReadError("""{"inputs": [[1,2],["x"]]}""", IntInput).Message);

        // An element of an earlier list fails before a later list's size.
        Assert.Equal(
            "JSON Value: \"x\" Type: String is not of expected type: int32",
            ReadError("""{"inputs": [[1,"x"],[2]]}""", IntInput).Message);

        // Level is checked before type.
        Assert.Equal(
            "JSON Value: \"x\" found at incorrect level: 2 in the JSON DOM. Expected at level: 2",
            ReadError("""{"inputs": [[1,2],"x"]}""", IntInput).Message);
    }

    [Fact]
    public void Object_and_plain_instances_cannot_mix()
    {
        Assert.Equal(
            "Expecting object but got list at item 1 of input list",
            ReadError(
                """{"instances": [{"int_tensor": [[1,2],[3,4],[5,6]], "str_tensor": ["foo", "bar"]}, [1, 20, 30], {"int_tensor": [[[7,8],[9,0],[1,2]]], "str_tensor": ["baz", "bat"]}]}""",
                TwoInputs).Message);
        Assert.Equal(
            "Expecting value/list but got object at item 1 of input list",
            ReadError("""{"instances": [["baz", "bar"], {"str_tensor": ["baz", "bat"]}]}""", Signature(("str_tensor", TensorDataType.String))).Message);
    }

    [Fact]
    public void Multiple_inputs_need_objects()
    {
        Assert.Equal(
            "instances is a plain list, but expecting list of objects as multiple input tensors required as per tensorinfo_map",
            ReadError("""{"instances": [[1, 2]]}""", TwoInputs).Message);
        Assert.Equal(
            "instances is a plain list, but expecting list of objects as multiple input tensors required as per tensorinfo_map",
            ReadError("""{"instances": [{"b64": "AA=="}]}""", TwoInputs).Message);
        Assert.Equal(
            "inputs is a plain value/list, but expecting an object as multiple input tensors required as per tensorinfo_map",
            ReadError("""{"inputs": [1, 2]}""", TwoInputs).Message);
        Assert.Equal(
            "inputs is a plain value/list, but expecting an object as multiple input tensors required as per tensorinfo_map",
            ReadError("""{"inputs": {"b64": "AA=="}}""", TwoInputs).Message);
    }

    [Fact]
    public void Named_instances_need_exactly_the_signature_inputs()
    {
        Assert.Equal(
            "Failed to process element: 0 key: other of 'instances' list. Error: INVALID_ARGUMENT: JSON object: does not have named input: other",
            ReadError("""{"instances": [{"int_tensor": [1], "other": 1}]}""", TwoInputs).Message);
        Assert.Equal(
            "Failed to process element: 1 of 'instances' list. JSON object: {\n    \"str_tensor\": \"a\"\n} keys must be equal to: int_tensor,str_tensor",
            ReadError("""{"instances": [{"str_tensor": "a", "int_tensor": 1}, {"str_tensor": "a"}]}""", TwoInputs).Message);
        Assert.Equal(
            "Failed to process element: 0 of 'instances' list. JSON object: {} keys must be equal to: a,b",
            ReadError("""{"instances": [{}]}""", Signature(("b", TensorDataType.Int32), ("a", TensorDataType.Int32))).Message);
        Assert.Equal(
            "Failed to process element: 0 key: int_tensor of 'instances' list. Error: INVALID_ARGUMENT: JSON object: has duplicate named input: int_tensor",
            ReadError("""{"instances": [{"int_tensor": 1, "str_tensor": "a", "int_tensor": 2}]}""", TwoInputs).Message);
    }

    [Fact]
    public void Named_instance_errors_carry_the_key()
    {
        Assert.Equal(
            "Failed to process element: 1 key: int_tensor of 'instances' list. Error: INVALID_ARGUMENT: Expecting shape [3,2] but got: [1,3,2]",
            ReadError(
                """{"instances": [{"int_tensor": [[1,2],[3,4],[5,6]], "str_tensor": ["foo", "bar"]}, {"int_tensor": [[[7,8],[9,0],[1,2]]], "str_tensor": ["baz", "bat"]}]}""",
                TwoInputs).Message);
        Assert.Equal(
            "Failed to process element: 1 key: int_tensor of 'instances' list. Error: INVALID_ARGUMENT: Expecting tensor size: 8 but got: 6",
            ReadError(
                """{"instances": [{"int_tensor": [[1,2],[3,4],[5,6],[7,8]], "str_tensor": ["foo", "bar"]}, {"int_tensor": [[7,8],[9,0],[1,2]], "str_tensor": ["baz", "bat"]}]}""",
                TwoInputs).Message);
        Assert.Equal(
            "Failed to process element: 0 key: str_tensor of 'instances' list. Error: INVALID_ARGUMENT: JSON Value: 5 Type: Number is not of expected type: string",
            ReadError("""{"instances": [{"int_tensor": 1, "str_tensor": 5}]}""", TwoInputs).Message);
    }

    [Fact]
    public void Missing_columnar_input()
    {
        Assert.Equal(
            "Missing named input: str_tensor in 'inputs' object.",
            ReadError("""{"inputs": {"int_tensor": [1], "other": 2}}""", TwoInputs).Message);
    }

    [Fact]
    public void Base64_errors()
    {
        var strings = Signature(("s", TensorDataType.String));

        Assert.Equal("Unable to base64 decode", ReadError("""{"inputs": [{"b64": "a$=="}]}""", strings).Message);
        Assert.Equal("Unable to base64 decode", ReadError("""{"inputs": [{"b64": "aGVsbG8=="}]}""", strings).Message);
        Assert.Equal("Unable to base64 decode", ReadError("""{"inputs": [{"b64": "a"}]}""", strings).Message);
        Assert.Equal("Unable to base64 decode", ReadError("""{"inputs": [{"b64": "YQ==YQ=="}]}""", strings).Message);
        Assert.Equal(
            "JSON Value: {\n    \"b64\": 1\n} not formatted correctly for base64 data",
            ReadError("""{"inputs": [{"b64": 1}]}""", strings).Message);
        Assert.Equal(
            "JSON Value: {\n    \"b64\": \"AA==\",\n    \"extra\": 1\n} not formatted correctly for base64 data",
            ReadError("""{"inputs": [{"b64": "AA==", "extra": 1}]}""", strings).Message);
        Assert.Equal(
            "Failed to process element: 0 of 'instances' list. Error: INVALID_ARGUMENT: Unable to base64 decode",
            ReadError("""{"instances": [{"b64": "!"}]}""", strings).Message);
    }

    [Fact]
    public void Nesting_deeper_than_a_tensor_rank_can_be_is_refused()
    {
        var deep = new string('[', 300) + "1" + new string(']', 300);
        var error = ReadError($$"""{"inputs": {{deep}}}""", FloatInput);

        Assert.Equal(StatusCode.InvalidArgument, error.Code);
        Assert.Equal("JSON value nests lists deeper than 254 levels; a tensor has at most 254 dimensions", error.Message);

        var fits = new string('[', 254) + "1" + new string(']', 254);
        using var request = Read($$"""{"inputs": {{fits}}}""", FloatInput);
        Assert.Equal(254, request.Inputs["x"].Rank);
    }

    [Fact]
    public void Input_type_json_cannot_express_is_unimplemented()
    {
        var invalid = Signature(("x", TensorDataType.Invalid));

        var columnar = ReadError("""{"inputs": [1]}""", invalid);
        Assert.Equal(StatusCode.Unimplemented, columnar.Code);
        Assert.Equal("Conversion of JSON Value: 1 to type: INVALID", columnar.Message);

        var row = ReadError("""{"instances": [1]}""", invalid);
        Assert.Equal(StatusCode.InvalidArgument, row.Code);
        Assert.Equal("Failed to process element: 0 of 'instances' list. Error: UNIMPLEMENTED: Conversion of JSON Value: 1 to type: INVALID", row.Message);
    }

    [Fact]
    public void Long_values_in_messages_are_cut_near_256_bytes()
    {
        var list = "[" + string.Join(",", Enumerable.Range(0, 200)) + "]";
        var error = ReadError($$"""{"instances": {{list}}, "inputs": 1}""", IntInput);

        Assert.StartsWith("JSON Value: {\n    \"instances\": [\n        0,\n        1,", error.Message);
        Assert.EndsWith(" Not formatted correctly expecting only one of 'inputs' or 'instances' keys to exist ", error.Message);
        var printed = error.Message["JSON Value: ".Length..error.Message.IndexOf(" Not formatted", StringComparison.Ordinal)];
        Assert.InRange(System.Text.Encoding.UTF8.GetByteCount(printed), 256, 300);
    }

    [Fact]
    public void Long_strings_in_messages_are_cut()
    {
        var error = ReadError($$"""{"inputs": ["{{new string('a', 5000)}}"]}""", FloatInput);

        Assert.Equal($"JSON Value: \"{new string('a', 256)} Type: String is not of expected type: float", error.Message);
    }

    [Fact]
    public void Printed_values_escape_strings_and_format_numbers_like_rapidjson()
    {
        var error = ReadError("""{"inputs": [1], "instances": [0.5, 1e21, 1e-7, 123.0, -0.0, "q\"\n\u0001é", true, null, {}, []]}""", IntInput);

        Assert.StartsWith(
            "JSON Value: {\n    \"inputs\": [\n        1\n    ],\n    \"instances\": [\n        0.5,\n        1e21,\n        1e-7,\n        123.0,\n        -0.0,\n        \"q\\\"\\n\\u0001é\",\n        true,\n        null,\n        {},\n        []\n    ]\n}",
            error.Message);
    }

    [Fact]
    public void Non_finite_number_stops_a_printed_value_as_rapidjson_does()
    {
        var error = ReadError("""{"inputs": [1], "instances": [1.5, NaN, 2]}""", IntInput);

        Assert.Equal(
            "JSON Value: {\n    \"inputs\": [\n        1\n    ],\n    \"instances\": [\n        1.5,\n         Not formatted correctly expecting only one of 'inputs' or 'instances' keys to exist ",
            error.Message);
    }
}
