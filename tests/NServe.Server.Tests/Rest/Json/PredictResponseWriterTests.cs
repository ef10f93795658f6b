using System.Buffers;
using System.Text;
using NServe.Core.Errors;
using NServe.Core.Tensors;
using NServe.Server.Rest.Json;
using static NServe.Server.Tests.Rest.Json.JsonTestSupport;

namespace NServe.Server.Tests.Rest.Json;

/// <summary>Response writing: json_tensor_test.cc's tensor → JSON cases (server_tests.md §E) and the REST examples.</summary>
public class PredictResponseWriterTests
{
    private static readonly long[] Shape232 = [2, 3, 2];

    [Fact]
    public void Single_int32_tensor_in_both_formats()
    {
        using var tensor = Ints(Shape232, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2);

        Assert.Equal("""{"predictions":[[[1,2],[3,4],[5,6]],[[7,8],[9,0],[1,2]]]}""", Write(PredictRequestFormat.Row, ("int_tensor", tensor)));
        Assert.Equal("""{"outputs":[[[1,2],[3,4],[5,6]],[[7,8],[9,0],[1,2]]]}""", Write(PredictRequestFormat.Columnar, ("int_tensor", tensor)));
    }

    [Fact]
    public void Single_vector_in_both_formats()
    {
        using var tensor = Ints([5], 1, 2, 3, 4, 5);

        Assert.Equal("""{"predictions":[1,2,3,4,5]}""", Write(PredictRequestFormat.Row, ("int_tensor", tensor)));
        Assert.Equal("""{"outputs":[1,2,3,4,5]}""", Write(PredictRequestFormat.Columnar, ("int_tensor", tensor)));
    }

    [Fact]
    public void Bytes_alias_writes_base64_objects()
    {
        using var tensor = Strings([2, 2], "hello", "world", "tf", "serving");

        Assert.Equal(
            """{"predictions":[[{"b64":"aGVsbG8="},{"b64":"d29ybGQ="}],[{"b64":"dGY="},{"b64":"c2VydmluZw=="}]]}""",
            Write(PredictRequestFormat.Row, ("str_tensor_bytes", tensor)));
    }

    [Fact]
    public void Floats_use_tf_servings_six_digit_text()
    {
        using var tensor = Floats([2, 3], 9000000f, 999999f, 0.5f, .0003f, .00003f, 555557.5f);

        Assert.Equal("""{"predictions":[[9e+06,999999.0,0.5],[0.0003,3e-05,555557.5]]}""", Write(PredictRequestFormat.Row, ("float_tensor", tensor)));
    }

    [Fact]
    public void Non_finite_floats_are_bare_tokens()
    {
        using var tensor = Floats([2, 2], float.NaN, float.PositiveInfinity, 3f, float.NegativeInfinity);

        Assert.Equal("""{"predictions":[[NaN,Infinity],[3.0,-Infinity]]}""", Write(PredictRequestFormat.Row, ("float_tensor", tensor)));
    }

    [Fact]
    public void The_documented_rest_responses()
    {
        using var three = Floats([3], 3.0f, 3.5f, 4.0f);
        using var pairs = Floats([2, 2], 2.5f, 3.0f, 3.5f, 4.0f);

        Assert.Equal("""{"predictions":[3.0,3.5,4.0]}""", Write(PredictRequestFormat.Row, ("y", three)));
        Assert.Equal("""{"outputs":[3.0,3.5,4.0]}""", Write(PredictRequestFormat.Columnar, ("y", three)));
        Assert.Equal("""{"predictions":[[2.5,3.0],[3.5,4.0]]}""", Write(PredictRequestFormat.Row, ("y", pairs)));
    }

    [Fact]
    public void Multiple_named_tensors_in_both_formats()
    {
        using var doubles = Tensor.FromValues<double>(TensorDataType.Double, [2], [8.0, 9.0]);
        using var floats = Floats([2, 1], 1f, 2f);
        using var ints = Ints(Shape232, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2);
        using var strings = Strings([2, 2], "foo", "bar", "baz", "bat");
        using var bytes = Strings([2, 2], "hello", "world", "tf", "serving");
        (string, Tensor)[] outputs =
        [
            ("double_scalar_tensor", doubles), ("float_tensor", floats), ("int_tensor", ints), ("str_tensor", strings), ("str_tensor_bytes", bytes),
        ];

        Assert.Equal(
            """{"predictions":[{"double_scalar_tensor":8.0,"float_tensor":[1.0],"int_tensor":[[1,2],[3,4],[5,6]],"str_tensor":["foo","bar"],"str_tensor_bytes":[{"b64":"aGVsbG8="},{"b64":"d29ybGQ="}]},{"double_scalar_tensor":9.0,"float_tensor":[2.0],"int_tensor":[[7,8],[9,0],[1,2]],"str_tensor":["baz","bat"],"str_tensor_bytes":[{"b64":"dGY="},{"b64":"c2VydmluZw=="}]}]}""",
            Write(PredictRequestFormat.Row, outputs));
        Assert.Equal(
            """{"outputs":{"double_scalar_tensor":[8.0,9.0],"float_tensor":[[1.0],[2.0]],"int_tensor":[[[1,2],[3,4],[5,6]],[[7,8],[9,0],[1,2]]],"str_tensor":[["foo","bar"],["baz","bat"]],"str_tensor_bytes":[[{"b64":"aGVsbG8="},{"b64":"d29ybGQ="}],[{"b64":"dGY="},{"b64":"c2VydmluZw=="}]]}}""",
            Write(PredictRequestFormat.Columnar, outputs));
    }

    [Fact]
    public void Columnar_scalars_are_bare_values()
    {
        using var scalar = Floats([], 2.5f);
        using var other = Ints([], 7);

        Assert.Equal("""{"outputs":2.5}""", Write(PredictRequestFormat.Columnar, ("y", scalar)));
        Assert.Equal("""{"outputs":{"y":2.5,"z":7}}""", Write(PredictRequestFormat.Columnar, ("y", scalar), ("z", other)));
    }

    [Fact]
    public void Zero_batch_writes_an_empty_list()
    {
        using var ints = Ints([0, 2]);
        using var strings = Strings([0, 1, 2]);
        using var floats = Floats([0, 3, 4]);

        Assert.Equal("""{"predictions":[]}""", Write(PredictRequestFormat.Row, ("int_tensor", ints)));
        Assert.Equal("""{"predictions":[]}""", Write(PredictRequestFormat.Row, ("str_tensor", strings), ("float_tensor", floats)));
        Assert.Equal("""{"outputs":[]}""", Write(PredictRequestFormat.Columnar, ("int_tensor", ints)));
    }

    [Fact]
    public void Zero_sized_inner_dimensions_write_empty_lists()
    {
        using var tensor = Floats([2, 0, 3]);

        Assert.Equal("""{"predictions":[[],[]]}""", Write(PredictRequestFormat.Row, ("y", tensor)));
        Assert.Equal("""{"outputs":[[],[]]}""", Write(PredictRequestFormat.Columnar, ("y", tensor)));
    }

    [Fact]
    public void Errors_have_tf_servings_text_and_write_nothing()
    {
        using var batchOf2 = Ints([2, 3], 1, 2, 3, 4, 5, 6);
        using var batchOf1 = Strings([1, 3], "foo", "bar", "baz");
        using var scalar = Ints([], 1);
        using var empty = Ints([0, 2]);

        Assert.Equal("Cannot convert empty tensor map to JSON", WriteError(PredictRequestFormat.Row).Message);
        Assert.Equal(
            "Tensor name: str_tensor has inconsistent batch size: 1 expecting: 2",
            WriteError(PredictRequestFormat.Row, ("int_tensor", batchOf2), ("str_tensor", batchOf1)).Message);
        Assert.Equal(
            "Tensor name: str_tensor has inconsistent batch size: 1 expecting: 0",
            WriteError(PredictRequestFormat.Row, ("int_tensor", empty), ("str_tensor", batchOf1)).Message);
        Assert.Equal("Tensor name: tensor has no shape information ", WriteError(PredictRequestFormat.Row, ("tensor", scalar)).Message);
        Assert.Equal(StatusCode.InvalidArgument, WriteError(PredictRequestFormat.Row, ("tensor", scalar)).Code);

        var buffer = new ArrayBufferWriter<byte>();
        Assert.Throws<ServingException>(() => PredictResponseWriter.Write(
            buffer, PredictRequestFormat.Row, [KeyValuePair.Create("a", batchOf2), KeyValuePair.Create("b", batchOf1)]));
        Assert.Equal(0, buffer.WrittenCount);
    }

    [Fact]
    public void Every_element_type_has_its_json_form()
    {
        using var int8 = Tensor.FromValues<sbyte>(TensorDataType.Int8, [2], [sbyte.MinValue, sbyte.MaxValue]);
        using var uint8 = Tensor.FromValues<byte>(TensorDataType.UInt8, [2], [0, 255]);
        using var int16 = Tensor.FromValues<short>(TensorDataType.Int16, [2], [short.MinValue, short.MaxValue]);
        using var uint16 = Tensor.FromValues<ushort>(TensorDataType.UInt16, [1], [ushort.MaxValue]);
        using var int32 = Tensor.FromValues<int>(TensorDataType.Int32, [2], [int.MinValue, int.MaxValue]);
        using var uint32 = Tensor.FromValues<uint>(TensorDataType.UInt32, [1], [uint.MaxValue]);
        using var int64 = Tensor.FromValues<long>(TensorDataType.Int64, [2], [long.MinValue, long.MaxValue]);
        using var uint64 = Tensor.FromValues<ulong>(TensorDataType.UInt64, [1], [ulong.MaxValue]);
        using var bools = Tensor.FromValues<byte>(TensorDataType.Bool, [3], [1, 0, 1]);
        using var halves = Tensor.FromValues<Half>(TensorDataType.Half, [3], [(Half)0.1f, (Half)(-2f), Half.NegativeInfinity]);
        using var doubles = Tensor.FromValues<double>(TensorDataType.Double, [3], [0.1 + 0.2, 1.0 / 3, 1e100]);

        Assert.Equal("""{"outputs":[-128,127]}""", Write(PredictRequestFormat.Columnar, ("y", int8)));
        Assert.Equal("""{"outputs":[0,255]}""", Write(PredictRequestFormat.Columnar, ("y", uint8)));
        Assert.Equal("""{"outputs":[-32768,32767]}""", Write(PredictRequestFormat.Columnar, ("y", int16)));
        Assert.Equal("""{"outputs":[65535]}""", Write(PredictRequestFormat.Columnar, ("y", uint16)));
        Assert.Equal("""{"outputs":[-2147483648,2147483647]}""", Write(PredictRequestFormat.Columnar, ("y", int32)));
        Assert.Equal("""{"outputs":[4294967295]}""", Write(PredictRequestFormat.Columnar, ("y", uint32)));
        Assert.Equal("""{"outputs":[-9223372036854775808,9223372036854775807]}""", Write(PredictRequestFormat.Columnar, ("y", int64)));
        Assert.Equal("""{"outputs":[18446744073709551615]}""", Write(PredictRequestFormat.Columnar, ("y", uint64)));
        Assert.Equal("""{"predictions":[true,false,true]}""", Write(PredictRequestFormat.Row, ("y", bools)));
        Assert.Equal("""{"outputs":[0.0999755859,-2.0,-Infinity]}""", Write(PredictRequestFormat.Columnar, ("y", halves)));
        Assert.Equal("""{"outputs":[0.30000000000000004,0.33333333333333331,1e+100]}""", Write(PredictRequestFormat.Columnar, ("y", doubles)));
    }

    [Fact]
    public void Strings_are_escaped_as_rapidjson_escapes_them()
    {
        using var tensor = Tensor.FromStrings([3], ["q\"b\\s/"u8.ToArray(), [8, 9, 10, 12, 13, 1, 0x1F, 0x7F], "é€😀"u8.ToArray()]);

        Assert.Equal(
            "{\"outputs\":[\"q\\\"b\\\\s/\",\"\\b\\t\\n\\f\\r\\u0001\\u001F\u007F\",\"é€😀\"]}",
            Write(PredictRequestFormat.Columnar, ("text", tensor)));
    }

    [Fact]
    public void Bytes_that_are_not_utf8_are_written_as_base64()
    {
        // A JSON string cannot carry them; TF Serving would emit invalid JSON here.
        using var tensor = Tensor.FromStrings([2], ["ok"u8.ToArray(), [0xFF, 0x00, 0xC3]]);

        Assert.Equal("""{"outputs":["ok",{"b64":"/wDD"}]}""", Write(PredictRequestFormat.Columnar, ("text", tensor)));
    }

    [Fact]
    public void Large_outputs_come_out_the_same_through_fresh_buffer_segments()
    {
        var random = new Random(3);
        var values = Enumerable.Range(0, 50_000).Select(_ => (float)(random.NextDouble() * 1000 - 500)).ToArray();
        using var floats = Floats([250, 200], values);
        using var text = Tensor.FromStrings([250], Enumerable.Range(0, 250).Select(i => Encoding.UTF8.GetBytes(new string('\n', i) + "x")).ToArray());
        using var blob = Tensor.FromStrings([250], Enumerable.Range(0, 250).Select(i => new byte[i * 100]).ToArray());
        KeyValuePair<string, Tensor>[] outputs = [new("f", floats), new("t", text), new("blob_bytes", blob)];

        var whole = new ArrayBufferWriter<byte>();
        PredictResponseWriter.Write(whole, PredictRequestFormat.Row, outputs);
        var pieces = new SegmentWriter(7);
        PredictResponseWriter.Write(pieces, PredictRequestFormat.Row, outputs);

        Assert.Equal(whole.WrittenSpan.ToArray(), pieces.Written.ToArray());
    }

    /// <summary>A writer that hands out a new array of exactly the size asked each time, like a pipe's segments.</summary>
    private sealed class SegmentWriter(int minimum) : IBufferWriter<byte>
    {
        private byte[] _current = [];

        public List<byte> Written { get; } = [];

        public void Advance(int count) => Written.AddRange(_current.AsSpan(0, count).ToArray());

        public Memory<byte> GetMemory(int sizeHint = 0) => _current = new byte[Math.Max(sizeHint, minimum)];

        public Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;
    }
}
