using System.Text;
using NServe.Core.Errors;
using NServe.Core.Tensors;
using NServe.Server.KServe;

namespace NServe.Server.Tests.KServe;

public sealed class KServeJsonRequestReaderTests
{
    [Theory]
    [MemberData(nameof(KServeTestData.Cases), MemberType = typeof(KServeTestData))]
    public void EveryDatatypeDecodesFromJson(DataTypeCase c)
    {
        using var request = Read(KServeTestData.Request(c.Token, "[3]", c.Json));
        using var expected = c.Tensor();
        var (name, tensor) = Assert.Single(request.Inputs);
        Assert.Equal("x", name);
        KServeTestData.AssertEqual(expected, tensor);
    }

    [Fact]
    public void NestedDataEqualsFlatData()
    {
        using var flat = Read(KServeTestData.Request("INT32", "[2,3]", "[1,2,3,4,5,6]"));
        using var nested = Read(KServeTestData.Request("INT32", "[2,3]", "[[1,2,3],[4,5,6]]"));
        Assert.Equal(new long[] { 2, 3 }, nested.Inputs[0].Value.Shape);
        KServeTestData.AssertEqual(flat.Inputs[0].Value, nested.Inputs[0].Value);
        Assert.Equal([1, 2, 3, 4, 5, 6], nested.Inputs[0].Value.AsSpan<int>().ToArray());
    }

    [Fact]
    public void DataBeforeShapeAndDatatypeIsDecodedOnceTheyAreKnown()
    {
        using var request = Read("""{"inputs": [{"data": [[1.5, 2.5]], "name": "x", "datatype": "FP64", "shape": [1, 2]}]}""");
        var tensor = request.Inputs[0].Value;
        Assert.Equal(TensorDataType.Double, tensor.DataType);
        Assert.Equal([1.5, 2.5], tensor.AsSpan<double>().ToArray());
    }

    [Fact]
    public void ScalarInputTakesALoneValueOrAOneElementArray()
    {
        using var bare = Read(KServeTestData.Request("FP32", "[]", "4.0"));
        using var wrapped = Read(KServeTestData.Request("FP32", "[]", "[4.0]"));
        Assert.Empty(bare.Inputs[0].Value.Shape);
        Assert.Equal(4.0f, bare.Inputs[0].Value.AsSpan<float>()[0]);
        KServeTestData.AssertEqual(bare.Inputs[0].Value, wrapped.Inputs[0].Value);
    }

    [Fact]
    public void EscapedStringsAreUnescapedToTheirUtf8Bytes()
    {
        using var request = Read(KServeTestData.Request("BYTES", "[2]", """["a\"b\\c\n", "\ud83d\ude00"]"""));
        Assert.Equal(Encoding.UTF8.GetBytes("a\"b\\c\n"), request.Inputs[0].Value.Strings[0]);
        Assert.Equal(Encoding.UTF8.GetBytes("😀"), request.Inputs[0].Value.Strings[1]);
    }

    [Fact]
    public void IdParametersAndRequestedOutputsAreRead()
    {
        using var request = Read("""
            {"id": "42", "parameters": {"signature_name": "other", "binary_data_output": true, "priority": 3},
             "inputs": [{"name": "a", "shape": [1], "datatype": "INT64", "data": [1], "parameters": {"note": "x"}},
                        {"name": "b", "shape": [1], "datatype": "BOOL", "data": [false]}],
             "outputs": [{"name": "y", "parameters": {"binary_data": false}}, {"name": "z"}],
             "unknown_field": {"ignored": [1, 2]}}
            """);
        Assert.Equal("42", request.Id);
        Assert.Equal("other", request.SignatureName);
        Assert.True(request.BinaryDataOutput);
        Assert.Equal(["a", "b"], request.Inputs.Select(i => i.Key));
        Assert.Equal([new KServeRequestedOutput("y", false), new KServeRequestedOutput("z", null)], request.Outputs);
    }

    [Theory]
    [InlineData("[2,2]", "[1,2,3]", "shape [2,2] needs 4 elements, but data holds 3")]
    [InlineData("[2,2]", "[1,2,3,4,5]", "shape [2,2] needs 4 elements, but data holds more")]
    [InlineData("[2]", "7", "shape [2] needs 2 elements, but data holds a single value")]
    [InlineData("[0]", "[1]", "shape [0] needs 0 elements, but data holds more")]
    [InlineData("[1000000000000]", "[1]", "shape [1000000000000] needs 1000000000000 elements, but data holds at most")]
    public void ShapeAndDataMismatchIsABadRequest(string shape, string data, string message)
    {
        var error = ReadError(KServeTestData.Request("INT32", shape, data));
        Assert.Equal(StatusCode.InvalidArgument, error.Code);
        Assert.Contains("input 'x': " + message, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("FP8", "unknown datatype 'FP8'")]
    [InlineData("fp32", "unknown datatype 'fp32'")]
    [InlineData("BF16", "BF16 is not supported by NServe")]
    public void UnknownDatatypeIsABadRequestListingTheSupportedOnes(string token, string message)
    {
        var error = ReadError(KServeTestData.Request(token, "[1]", "[1]"));
        Assert.Equal(StatusCode.InvalidArgument, error.Code);
        Assert.Contains($"input 'x': {message}; expected one of BOOL, UINT8", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("INT8", "[128]", "element 0 (128) is not a valid INT8 value")]
    [InlineData("UINT8", "[-1]", "element 0 (-1) is not a valid UINT8 value")]
    [InlineData("INT32", "[1.5]", "element 0 (1.5) is not a valid INT32 value")]
    [InlineData("UINT64", "[18446744073709551616]", "element 0 (18446744073709551616) is not a valid UINT64 value")]
    [InlineData("FP32", "[1e39]", "element 0 (1e39) is not a valid FP32 value")]
    [InlineData("FP32", "[\"1\"]", "FP32 data must be JSON numbers; element 0 is a string")]
    [InlineData("BOOL", "[1]", "BOOL data must be true or false; element 0 is a number")]
    [InlineData("BYTES", "[1]", "BYTES data must be JSON strings; element 0 is a number")]
    [InlineData("INT32", "[null]", "INT32 data must be JSON numbers; element 0 is null")]
    [InlineData("INT32", "[{\"a\": 1}]", "data holds an object")]
    public void ElementsThatDoNotFitTheDatatypeAreBadRequests(string token, string data, string message)
    {
        var error = ReadError(KServeTestData.Request(token, "[1]", data));
        Assert.Contains("input 'x': " + message, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"inputs": [{"shape": [1], "datatype": "FP32", "data": [1]}]}""", "input #0 has no 'name'")]
    [InlineData("""{"inputs": [{"name": "x", "datatype": "FP32", "data": [1]}]}""", "input 'x' has no 'shape'")]
    [InlineData("""{"inputs": [{"name": "x", "shape": [1], "data": [1]}]}""", "input 'x' has no 'datatype'")]
    [InlineData("""{"inputs": [{"name": "x", "shape": [1], "datatype": "FP32"}]}""", "input 'x' has no 'data'")]
    [InlineData("""{"inputs": [{"name": "x", "shape": [-1], "datatype": "FP32", "data": [1]}]}""", "'shape' must hold non-negative integers")]
    [InlineData("""{"inputs": [{"name": "x", "shape": [1], "datatype": "FP32", "data": [1], "parameters": {"binary_data_size": 4}}]}""", "input 'x' has both 'data' and a 'binary_data_size' parameter")]
    [InlineData("""{"inputs": [{"name": "x", "shape": [1], "datatype": "FP32", "data": [1]}, {"name": "x", "shape": [1], "datatype": "FP32", "data": [2]}]}""", "input 'x' appears more than once")]
    [InlineData("""{"inputs": {"x": [1]}}""", "'inputs' must be a JSON array")]
    [InlineData("""[1, 2]""", "an inference request must be a JSON object")]
    [InlineData("""{"inputs": [}""", "malformed JSON in inference request")]
    [InlineData("""{"inputs": []} {}""", "malformed JSON in inference request")]
    [InlineData("""{"id": 5, "inputs": []}""", "'id' must be a string")]
    [InlineData("""{"parameters": {"signature_name": 1}, "inputs": []}""", "parameter 'signature_name' must be a string")]
    [InlineData("""{"parameters": {"binary_data_output": "yes"}, "inputs": []}""", "parameter 'binary_data_output' must be true or false")]
    [InlineData("""{"inputs": [], "outputs": [{"parameters": {}}]}""", "output #0 has no 'name'")]
    [InlineData("""{"inputs": [], "outputs": [{"name": "y", "parameters": {"classification": 2}}]}""", "classification extension is not supported")]
    public void MalformedRequestsAreBadRequests(string body, string message)
    {
        var error = ReadError(body);
        Assert.Equal(StatusCode.InvalidArgument, error.Code);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(KServeTestData.Cases), MemberType = typeof(KServeTestData))]
    public void EveryDatatypeDecodesFromBinaryData(DataTypeCase c)
    {
        using var expected = c.Tensor();
        var raw = Encode(expected);
        var json = $$$"""{"inputs": [{"name": "x", "shape": [3], "datatype": "{{{c.Token}}}", "parameters": {"binary_data_size": {{{raw.Length}}}}}]}""";
        var (body, length) = Binary(json, raw);
        using var request = KServeJsonRequestReader.Read(body, length);
        KServeTestData.AssertEqual(expected, request.Inputs[0].Value);
    }

    [Fact]
    public void BinaryBlobsFollowTheJsonInTheOrderOfTheInputsThatDeclareThem()
    {
        using var first = Tensor.FromValues<float>(TensorDataType.Float, [2], [1.5f, 2.5f]);
        using var third = Tensor.FromValues<short>(TensorDataType.Int16, [1], [-7]);
        var json = """
            {"inputs": [{"name": "a", "shape": [2], "datatype": "FP32", "parameters": {"binary_data_size": 8}},
                        {"name": "b", "shape": [1], "datatype": "INT32", "data": [9]},
                        {"name": "c", "shape": [1], "datatype": "INT16", "parameters": {"binary_data_size": 2}}]}
            """;
        var (body, length) = Binary(json, [.. Encode(first), .. Encode(third)]);
        using var request = KServeJsonRequestReader.Read(body, length);
        Assert.Equal(["a", "b", "c"], request.Inputs.Select(i => i.Key));
        KServeTestData.AssertEqual(first, request.Inputs[0].Value);
        Assert.Equal(9, request.Inputs[1].Value.AsSpan<int>()[0]);
        KServeTestData.AssertEqual(third, request.Inputs[2].Value);
    }

    [Theory]
    [InlineData(8, 8, 0, "needs 12 bytes of data, got 8")]
    [InlineData(12, 8, 0, "'binary_data_size' is 12, but only 8 bytes of binary data remain")]
    [InlineData(12, 16, 0, "the body holds 16 bytes after the")]
    [InlineData(12, 12, 1000, "Inference-Header-Content-Length is")]
    public void BinaryLengthsThatDoNotAddUpAreBadRequests(int declaredSize, int sentBytes, int headerSkew, string message)
    {
        var json = $$$"""{"inputs": [{"name": "x", "shape": [3], "datatype": "FP32", "parameters": {"binary_data_size": {{{declaredSize}}}}}]}""";
        var (body, length) = Binary(json, new byte[sentBytes]);
        var error = Assert.Throws<ServingException>(() => KServeJsonRequestReader.Read(body, length + headerSkew).Dispose());
        Assert.Equal(StatusCode.InvalidArgument, error.Code);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ZeroHeaderLengthIsABadRequest()
    {
        var error = Assert.Throws<ServingException>(() => KServeJsonRequestReader.Read(new byte[4], 0).Dispose());
        Assert.Contains("Inference-Header-Content-Length is 0", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BinaryDataWithoutTheHeaderIsABadRequest()
    {
        var error = ReadError("""{"inputs": [{"name": "x", "shape": [1], "datatype": "FP32", "parameters": {"binary_data_size": 4}}]}""");
        Assert.Contains("needs the Inference-Header-Content-Length header", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void JsonHeaderShorterThanTheJsonIsABadRequest()
    {
        var json = """{"inputs": [{"name": "x", "shape": [1], "datatype": "FP32", "data": [1]}]}""";
        var bytes = Encoding.UTF8.GetBytes(json);
        var error = Assert.Throws<ServingException>(() => KServeJsonRequestReader.Read(bytes, bytes.Length - 3).Dispose());
        Assert.Contains("malformed JSON", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new byte[] { 1, 0, 0, 0, 65, 5, 0, 0, 0, 66 }, "BYTES element 1 claims 5 bytes but only 1 remain")]
    [InlineData(new byte[] { 1, 0, 0, 0, 65, 1, 0, 0 }, "BYTES data ends inside the length of element 1")]
    [InlineData(new byte[] { 1, 0, 0, 0, 65, 1, 0 }, "shape [2] needs 2 BYTES elements, but 7 bytes of data cannot hold them")]
    [InlineData(new byte[] { 1, 0, 0, 0, 65, 1, 0, 0, 0, 66, 9 }, "1 bytes of BYTES data are left after the 2 elements")]
    public void MalformedBinaryBytesAreBadRequests(byte[] raw, string message)
    {
        var json = $$$"""{"inputs": [{"name": "x", "shape": [2], "datatype": "BYTES", "parameters": {"binary_data_size": {{{raw.Length}}}}}]}""";
        var (body, length) = Binary(json, raw);
        var error = Assert.Throws<ServingException>(() => KServeJsonRequestReader.Read(body, length).Dispose());
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BinaryBoolsMustBeZeroOrOne()
    {
        var json = """{"inputs": [{"name": "x", "shape": [2], "datatype": "BOOL", "parameters": {"binary_data_size": 2}}]}""";
        var (body, length) = Binary(json, [1, 2]);
        var error = Assert.Throws<ServingException>(() => KServeJsonRequestReader.Read(body, length).Dispose());
        Assert.Contains("BOOL elements must be bytes 0 or 1", error.Message, StringComparison.Ordinal);
    }

    internal static KServeInferRequest Read(string json) => KServeJsonRequestReader.Read(Encoding.UTF8.GetBytes(json), null);

    internal static ServingException ReadError(string json) => Assert.Throws<ServingException>(() => Read(json).Dispose());

    internal static byte[] Encode(Tensor tensor)
    {
        var raw = new byte[KServeRawTensor.EncodedLength(tensor)];
        KServeRawTensor.Encode(tensor, raw);
        return raw;
    }

    internal static (byte[] Body, int JsonLength) Binary(string json, byte[] blobs)
    {
        var header = Encoding.UTF8.GetBytes(json);
        return ([.. header, .. blobs], header.Length);
    }
}
