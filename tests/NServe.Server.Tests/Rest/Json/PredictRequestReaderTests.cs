using System.Text;
using NServe.Core.Errors;
using NServe.Core.Servables;
using NServe.Core.Tensors;
using NServe.Server.Rest.Json;
using static NServe.Server.Tests.Rest.Json.JsonTestSupport;

namespace NServe.Server.Tests.Rest.Json;

/// <summary>Request decoding: TF Serving's json_tensor_test.cc conversions (server_tests.md §E) and the REST examples.</summary>
public class PredictRequestReaderTests
{
    [Fact]
    public void Single_unnamed_int32_tensor_in_row_format()
    {
        using var request = Read("""{ "instances": [[1,2],[3,4],[5,6]] }""", Signature(("default", TensorDataType.Int32)));

        Assert.Equal(PredictRequestFormat.Row, request.Format);
        Assert.Equal(Core.Servables.Signature.DefaultKey, request.SignatureKey);
        var tensor = Assert.Single(request.Inputs).Value;
        Assert.Equal(TensorDataType.Int32, tensor.DataType);
        Assert.Equal([3, 2], tensor.Shape);
        Assert.Equal([1, 2, 3, 4, 5, 6], Values<int>(tensor));
    }

    [Fact]
    public void Float_tensor_accepts_integers_and_decimals()
    {
        using var request = Read("""{"instances": [1, 2.0, 3, 4, 5.003, 0.007, 0.0]}""", Signature(("default", TensorDataType.Float)));

        var tensor = request.Inputs["default"];
        Assert.Equal([7], tensor.Shape);
        Assert.Equal([1f, 2f, 3f, 4f, 5.003f, 0.007f, 0f], Values<float>(tensor));
    }

    [Fact]
    public void Double_tensor_accepts_integers_and_decimals()
    {
        using var request = Read("""{"instances": [1.0, 2, 3, 4, 0.662, 0, 0.0]}""", Signature(("default", TensorDataType.Double)));

        Assert.Equal([1.0, 2, 3, 4, 0.662, 0, 0.0], Values<double>(request.Inputs["default"]));
    }

    [Theory]
    [InlineData("1435774380", 1435774380f)]
    [InlineData("1435774380.0", 1435774380f)]
    [InlineData("1.7976931348623157e+308", float.PositiveInfinity)]
    [InlineData("-1.7976931348623157e+308", float.NegativeInfinity)]
    [InlineData("2.2250738585072014e-308", 0f)]
    [InlineData("0.1", 0.1f)]
    [InlineData("123456789012345678901234567890", 1.2345679e29f)]
    [InlineData("-9223372036854775808", -9.223372e18f)]
    [InlineData("18446744073709551615", 1.8446744e19f)]
    [InlineData("1e-400", 0f)]
    public void Float_values_are_the_double_narrowed_as_tf_does(string json, float expected)
    {
        using var request = Read($$"""{"instances": [{{json}}]}""", Signature(("x", TensorDataType.Float)));

        Assert.Equal(expected, Values<float>(request.Inputs["x"])[0]);
    }

    [Fact]
    public void Negative_dbl_min_becomes_negative_zero()
    {
        using var request = Read("""{"instances": [-2.2250738585072014e-308]}""", Signature(("x", TensorDataType.Float)));

        var value = Values<float>(request.Inputs["x"])[0];
        Assert.Equal(0f, value);
        Assert.True(float.IsNegative(value));
    }

    [Fact]
    public void Doubles_are_parsed_exactly()
    {
        // Long mantissas and large exponents leave the fast path; every value must still round correctly.
        string[] texts = ["0.1", "0.30000000000000004", "3.141592653589793238462643383279", "1e22", "1e23", "9007199254740993",
            "2.2250738585072011e-308", "4.9e-324", "1.7976931348623157e308", "123.456e-7", "-0.0", "-0"];
        using var request = Read($$"""{"inputs": [{{string.Join(",", texts)}}]}""", Signature(("x", TensorDataType.Double)));

        var values = Values<double>(request.Inputs["x"]);
        for (var i = 0; i < texts.Length; i++)
        {
            Assert.Equal(double.Parse(texts[i], System.Globalization.CultureInfo.InvariantCulture), values[i]);
        }

        Assert.True(double.IsNegative(values[10]));

        // rapidjson stores the integer token -0 as the integer 0.
        Assert.False(double.IsNegative(values[11]));
    }

    [Fact]
    public void Signature_name_is_looked_up_and_reported()
    {
        var signature = Signature(("default", TensorDataType.Int32));
        var asked = new List<string?>();
        using var request = PredictRequestReader.Read(
            """{ "signature_name": "predict_images", "instances": [[1,2]] }"""u8,
            name =>
            {
                asked.Add(name);
                return signature;
            });

        Assert.Equal(["predict_images"], asked);
        Assert.Equal("predict_images", request.SignatureKey);
        Assert.Equal([1, 2], request.Inputs["default"].Shape);
    }

    [Theory]
    [InlineData("""{"instances": [1], "signature_name": "later"}""", "later")]
    [InlineData("""{"instances": [1], "signature_name": "sig\u00e9\ud83d\ude00"}""", "sigé😀")]
    [InlineData("""{"signature_name": "", "instances": [1]}""", null)]
    [InlineData("""{"instances": [1]}""", null)]
    [InlineData("""{"signature_name": "first", "signature_name": "second", "instances": [1]}""", "first")]
    public void Signature_name_is_found_wherever_it_sits(string body, string? expected)
    {
        var signature = Signature(("x", TensorDataType.Float));
        string? asked = "not called";
        using var request = PredictRequestReader.Read(Encoding.UTF8.GetBytes(body), name =>
        {
            asked = name;
            return signature;
        });

        Assert.Equal(expected, asked);
        Assert.Equal(expected ?? Core.Servables.Signature.DefaultKey, request.SignatureKey);
    }

    [Fact]
    public void Unknown_signature_error_from_the_lookup_propagates()
    {
        var error = Assert.Throws<ServingException>(() => PredictRequestReader.Read(
            """{"signature_name": "nope", "instances": [1]}"""u8,
            name => throw ServingException.InvalidArgument($"Serving signature name: \"{name}\" not found in signature def")));

        Assert.Equal("Serving signature name: \"nope\" not found in signature def", error.Message);
    }

    [Fact]
    public void Body_after_the_root_value_is_ignored()
    {
        // rapidjson stops when the root value is done; the test of a buffer that is not NUL-terminated, too.
        var bytes = """{"instances": [[1,2],[3,4],[5,6]]}X"""u8;
        var signature = Signature(("default", TensorDataType.Int32));
        using var exact = PredictRequestReader.Read(bytes[..^1], _ => signature);
        using var trailing = PredictRequestReader.Read("""{"instances": [1]} junk ] } "unterminated"""u8, _ => signature);

        Assert.Equal([1, 2, 3, 4, 5, 6], Values<int>(exact.Inputs["default"]));
        Assert.Equal([1], Values<int>(trailing.Inputs["default"]));
    }

    [Fact]
    public void Base64_scalars_lists_and_named_instances()
    {
        var signature = Signature(("default", TensorDataType.String));
        using var scalars = Read("""{ "instances": [ { "b64" : "aGVsbG8=" }, { "b64": "d29ybGQ=" } ] }""", signature);
        using var lists = Read("""{ "instances": [ [{ "b64" : "aGVsbG8=" }], [{ "b64": "d29ybGQ=" }] ] }""", signature);
        using var named = Read("""{ "instances": [ { "default": [ [{ "b64" : "aGVsbG8=" }], [{ "b64": "d29ybGQ=" }] ] } ] }""", signature);

        Assert.Equal([2], scalars.Inputs["default"].Shape);
        Assert.Equal(["hello", "world"], Texts(scalars.Inputs["default"]));
        Assert.Equal([2, 1], lists.Inputs["default"].Shape);
        Assert.Equal(["hello", "world"], Texts(lists.Inputs["default"]));
        Assert.Equal([1, 2, 1], named.Inputs["default"].Shape);
        Assert.Equal(["hello", "world"], Texts(named.Inputs["default"]));
    }

    [Fact]
    public void Multiple_named_tensors_in_row_format()
    {
        var signature = Signature(
            ("int_tensor", TensorDataType.Int32), ("str_tensor", TensorDataType.String),
            ("float_tensor", TensorDataType.Float), ("dbl_tensor", TensorDataType.Double));
        using var request = Read(
            """
            {
              "instances": [
                {
                  "int_tensor": [[1,2],[3,4],[5,6]],
                  "str_tensor": ["foo", "bar"],
                  "float_tensor": [1.0, NaN],
                  "dbl_tensor": [NaN]
                },
                {
                  "int_tensor": [[7,8],[9,0],[1,2]],
                  "str_tensor": ["baz", "bat"],
                  "float_tensor": [2.0, Infinity],
                  "dbl_tensor": [2.0]
                }
              ]
            }
            """,
            signature);

        Assert.Equal(4, request.Inputs.Count);
        Assert.Equal([2, 3, 2], request.Inputs["int_tensor"].Shape);
        Assert.Equal([1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2], Values<int>(request.Inputs["int_tensor"]));
        Assert.Equal([2, 2], request.Inputs["str_tensor"].Shape);
        Assert.Equal(["foo", "bar", "baz", "bat"], Texts(request.Inputs["str_tensor"]));
        Assert.Equal([2, 2], request.Inputs["float_tensor"].Shape);
        Assert.Equal([1f, float.NaN, 2f, float.PositiveInfinity], Values<float>(request.Inputs["float_tensor"]));
        Assert.Equal([2, 1], request.Inputs["dbl_tensor"].Shape);
        Assert.Equal([double.NaN, 2.0], Values<double>(request.Inputs["dbl_tensor"]));
    }

    [Fact]
    public void Single_tensor_in_columnar_format_named_or_bare()
    {
        var signature = Signature(("int_tensor", TensorDataType.Int32));
        using var named = Read("""{ "inputs": { "int_tensor": [[[1,2],[3,4],[5,6]]] } }""", signature);
        using var bare = Read("""{ "inputs": [[[1,2],[3,4],[5,6]]] }""", signature);

        foreach (var request in new[] { named, bare })
        {
            Assert.Equal(PredictRequestFormat.Columnar, request.Format);
            Assert.Equal([1, 3, 2], request.Inputs["int_tensor"].Shape);
            Assert.Equal([1, 2, 3, 4, 5, 6], Values<int>(request.Inputs["int_tensor"]));
        }
    }

    [Fact]
    public void Multiple_tensors_in_columnar_format_keep_their_own_shapes()
    {
        var signature = Signature(
            ("int_tensor", TensorDataType.Int32), ("str_tensor", TensorDataType.String), ("bin_tensor", TensorDataType.String));
        using var request = Read(
            """
            {
              "inputs": {
                "int_tensor": [[[1,2],[3,4],[5,6]]],
                "ignored": {"anything": [1, "x", null]},
                "str_tensor": ["foo", "bar"],
                "bin_tensor": { "b64" : "aGVsbG8=" }
              }
            }
            """,
            signature);

        Assert.Equal(3, request.Inputs.Count);
        Assert.Equal([1, 3, 2], request.Inputs["int_tensor"].Shape);
        Assert.Equal([2], request.Inputs["str_tensor"].Shape);
        Assert.Equal(["foo", "bar"], Texts(request.Inputs["str_tensor"]));
        Assert.Empty(request.Inputs["bin_tensor"].Shape);
        Assert.Equal(["hello"], Texts(request.Inputs["bin_tensor"]));
    }

    [Fact]
    public void Columnar_scalar_is_a_rank_zero_tensor()
    {
        using var request = Read("""{"inputs": 2.5}""", Signature(("x", TensorDataType.Float)));

        Assert.Empty(request.Inputs["x"].Shape);
        Assert.Equal([2.5f], Values<float>(request.Inputs["x"]));
    }

    [Fact]
    public void Columnar_base64_object_for_a_single_input()
    {
        using var request = Read("""{"inputs": {"b64": "AAEC/w=="}}""", Signature(("x", TensorDataType.String)));

        Assert.Empty(request.Inputs["x"].Shape);
        Assert.Equal([0, 1, 2, 255], request.Inputs["x"].Strings[0]);
    }

    [Fact]
    public void Empty_lists_give_zero_sized_dimensions()
    {
        var signature = Signature(("x", TensorDataType.Float));
        using var columnar = Read("""{"inputs": [[], []]}""", signature);
        using var rows = Read("""{"instances": [[], [], []]}""", signature);
        using var empty = Read("""{"inputs": []}""", signature);

        Assert.Equal([2, 0], columnar.Inputs["x"].Shape);
        Assert.Equal([3, 0], rows.Inputs["x"].Shape);
        Assert.Equal([0], empty.Inputs["x"].Shape);
    }

    [Fact]
    public void The_documented_rest_examples()
    {
        // api_rest.md: half_plus_three {"instances": [1.0, 2.0, 5.0]}; handler test bodies.
        var signature = Signature(("x", TensorDataType.Float));
        using var rows = Read("""{"instances": [1.0, 2.0, 5.0]}""", signature);
        using var pairs = Read("""{"instances": [[1.0, 2.0], [3.0, 4.0]]}""", signature);
        using var columnar = Read("""{"signature_name": "serving_default", "inputs": [3.0, 4.0]}""", signature);

        Assert.Equal([3], rows.Inputs["x"].Shape);
        Assert.Equal([1f, 2f, 5f], Values<float>(rows.Inputs["x"]));
        Assert.Equal([2, 2], pairs.Inputs["x"].Shape);
        Assert.Equal(PredictRequestFormat.Columnar, columnar.Format);
        Assert.Equal("serving_default", columnar.SignatureKey);
        Assert.Equal([3f, 4f], Values<float>(columnar.Inputs["x"]));
    }

    [Fact]
    public void Every_integer_type_reads_its_full_range()
    {
        using var int8 = Read("""{"inputs": [-128, 127]}""", Signature(("x", TensorDataType.Int8)));
        using var uint8 = Read("""{"inputs": [0, 255, -0]}""", Signature(("x", TensorDataType.UInt8)));
        using var int16 = Read("""{"inputs": [-32768, 32767]}""", Signature(("x", TensorDataType.Int16)));
        using var uint16 = Read("""{"inputs": [0, 65535]}""", Signature(("x", TensorDataType.UInt16)));
        using var int32 = Read("""{"inputs": [-2147483648, 2147483647]}""", Signature(("x", TensorDataType.Int32)));
        using var uint32 = Read("""{"inputs": [0, 4294967295]}""", Signature(("x", TensorDataType.UInt32)));
        using var int64 = Read("""{"inputs": [-9223372036854775808, 9223372036854775807]}""", Signature(("x", TensorDataType.Int64)));
        using var uint64 = Read("""{"inputs": [0, 18446744073709551615]}""", Signature(("x", TensorDataType.UInt64)));

        Assert.Equal([sbyte.MinValue, sbyte.MaxValue], Values<sbyte>(int8.Inputs["x"]));
        Assert.Equal([0, 255, 0], Values<byte>(uint8.Inputs["x"]));
        Assert.Equal([short.MinValue, short.MaxValue], Values<short>(int16.Inputs["x"]));
        Assert.Equal([0, ushort.MaxValue], Values<ushort>(uint16.Inputs["x"]));
        Assert.Equal([int.MinValue, int.MaxValue], Values<int>(int32.Inputs["x"]));
        Assert.Equal([0u, uint.MaxValue], Values<uint>(uint32.Inputs["x"]));
        Assert.Equal([long.MinValue, long.MaxValue], Values<long>(int64.Inputs["x"]));
        Assert.Equal([0ul, ulong.MaxValue], Values<ulong>(uint64.Inputs["x"]));
    }

    [Fact]
    public void Bool_and_half_values()
    {
        using var bools = Read("""{"instances": [[true, false], [false, true]]}""", Signature(("x", TensorDataType.Bool)));
        using var halves = Read("""{"inputs": [0.1, -2.5, 65504, 1e10, NaN]}""", Signature(("x", TensorDataType.Half)));

        Assert.Equal([2, 2], bools.Inputs["x"].Shape);
        Assert.Equal([1, 0, 0, 1], Values<byte>(bools.Inputs["x"]));
        var half = Values<Half>(halves.Inputs["x"]);
        Assert.Equal((Half)0.1, half[0]);
        Assert.Equal((Half)(-2.5), half[1]);
        Assert.Equal(Half.MaxValue, half[2]);
        Assert.Equal(Half.PositiveInfinity, half[3]);
        Assert.True(Half.IsNaN(half[4]));
    }

    [Theory]
    [InlineData("NaN", float.NaN)]
    [InlineData("-NaN", float.NaN)]
    [InlineData("Infinity", float.PositiveInfinity)]
    [InlineData("-Infinity", float.NegativeInfinity)]
    [InlineData("Inf", float.PositiveInfinity)]
    [InlineData("-Inf", float.NegativeInfinity)]
    public void Bare_non_finite_tokens_are_accepted(string token, float expected)
    {
        using var request = Read($$"""{"instances": [{{token}}, {{token}}]}""", Signature(("x", TensorDataType.Float)));

        Assert.Equal([expected, expected], Values<float>(request.Inputs["x"]));
    }

    [Fact]
    public void String_escapes_become_utf8_bytes()
    {
        using var request = Read(
            """{"inputs": ["a\"b\\c\/d", "\b\f\n\r\t", "\u0041\u00e9\u20ac", "\ud83d\ude00", "raw é€😀", "\u0000"]}""",
            Signature(("x", TensorDataType.String)));

        var strings = request.Inputs["x"].Strings;
        Assert.Equal("a\"b\\c/d"u8.ToArray(), strings[0]);
        Assert.Equal("\b\f\n\r\t"u8.ToArray(), strings[1]);
        Assert.Equal("Aé€"u8.ToArray(), strings[2]);
        Assert.Equal("😀"u8.ToArray(), strings[3]);
        Assert.Equal("raw é€😀"u8.ToArray(), strings[4]);
        Assert.Equal(new byte[] { 0 }, strings[5]);
    }

    [Fact]
    public void Strings_keep_bytes_that_are_not_utf8()
    {
        // TF Serving treats strings as bytes; rapidjson does not validate the encoding.
        byte[] body = [.. "{\"inputs\": [\""u8, 0xFF, 0xC3, (byte)'x', .. "\"]}"u8];
        using var request = PredictRequestReader.Read(body, _ => Signature(("x", TensorDataType.String)));

        Assert.Equal(new byte[] { 0xFF, 0xC3, (byte)'x' }, request.Inputs["x"].Strings[0]);
    }

    [Theory]
    [InlineData("aGVsbG8=", "hello")]
    [InlineData("aGVsbG8", "hello")]
    [InlineData("aGVs bG8=\\n", "hello")]
    [InlineData("aGVs\\tbG8\\r\\n", "hello")]
    [InlineData("aGVsbG8.", "hello")]
    [InlineData("", "")]
    [InlineData("YQ==", "a")]
    [InlineData("YQ", "a")]
    public void Base64_is_decoded_as_leniently_as_absl(string encoded, string expected)
    {
        using var request = Read($$"""{"instances": [{"b64": "{{encoded}}"}]}""", Signature(("x", TensorDataType.String)));

        Assert.Equal(expected, Texts(request.Inputs["x"])[0]);
    }

    [Fact]
    public void Base64_with_escaped_slashes_and_keys()
    {
        // Some encoders write "/" as "\/"; the key may be escaped too.
        using var request = Read("""{"inputs": {"\u0062\u0036\u0034": "\/w=="}}""", Signature(("x", TensorDataType.String)));

        Assert.Equal(new byte[] { 0xFF }, request.Inputs["x"].Strings[0]);
    }

    [Fact]
    public void Escaped_keys_match_root_and_input_names()
    {
        using var request = Read("""{"\u0069nstances": [{"\u0078": 1.5}]}""", Signature(("x", TensorDataType.Float)));

        Assert.Equal(PredictRequestFormat.Row, request.Format);
        Assert.Equal([1.5f], Values<float>(request.Inputs["x"]));
    }

    [Fact]
    public void Byte_order_mark_is_skipped()
    {
        byte[] body = [0xEF, 0xBB, 0xBF, .. """{"inputs": [1]}"""u8];
        using var request = PredictRequestReader.Read(body, _ => Signature(("x", TensorDataType.Int64)));

        Assert.Equal([1L], Values<long>(request.Inputs["x"]));
    }

    [Fact]
    public void Deeply_nested_ignored_member_is_fine()
    {
        // json_tensor_test: rapidjson's iterative parser takes 500000 levels in a key nobody reads.
        const int depth = 500_000;
        var body = """{"instances":[1], "nested": """ + new string('[', depth) + new string(']', depth) + "}";
        using var request = Read(body, Signature(("x", TensorDataType.Int32)));

        Assert.Equal([1], Values<int>(request.Inputs["x"]));
    }

    [Fact]
    public void Large_batch_grows_past_the_initial_buffer()
    {
        var values = Enumerable.Range(0, 300_000).Select(i => i * 0.25f).ToArray();
        var body = "{\"instances\": [" + string.Join(",", values.Select(v => $"[{v.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}, 1.0]")) + "]}";
        using var request = Read(body, Signature(("x", TensorDataType.Float)));

        var tensor = request.Inputs["x"];
        Assert.Equal([values.Length, 2], tensor.Shape);
        var decoded = Values<float>(tensor);
        for (var i = 0; i < values.Length; i++)
        {
            Assert.Equal(values[i], decoded[2 * i]);
            Assert.Equal(1f, decoded[(2 * i) + 1]);
        }
    }

    [Fact]
    public void Decoded_tensors_are_released_on_dispose()
    {
        var request = Read("""{"inputs": [1, 2, 3]}""", Signature(("x", TensorDataType.Float)));
        var tensor = request.Inputs["x"];

        request.Dispose();

        Assert.Throws<InvalidOperationException>(() => tensor.Bytes);
    }
}
