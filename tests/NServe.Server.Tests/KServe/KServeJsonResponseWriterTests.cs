using System.Buffers;
using System.Text;
using System.Text.Json;
using NServe.Core.Errors;
using NServe.Core.Servables;
using NServe.Core.Tensors;
using NServe.Server.KServe;

namespace NServe.Server.Tests.KServe;

public sealed class KServeJsonResponseWriterTests
{
    [Theory]
    [MemberData(nameof(KServeTestData.Cases), MemberType = typeof(KServeTestData))]
    public void EveryDatatypeRoundTripsThroughResponseJson(DataTypeCase c)
    {
        using var expected = c.Tensor();
        var json = Write(null, new KServeOutput("y", expected, false));
        using var document = JsonDocument.Parse(json);
        var output = document.RootElement.GetProperty("outputs")[0];
        Assert.Equal("y", output.GetProperty("name").GetString());
        Assert.Equal(c.Token, output.GetProperty("datatype").GetString());
        Assert.Equal("[3]", output.GetProperty("shape").GetRawText());

        // The written data, sent back as an input, decodes to the same elements.
        var data = output.GetProperty("data").GetRawText();
        using var request = KServeJsonRequestReaderTests.Read(KServeTestData.Request(c.Token, "[3]", data));
        KServeTestData.AssertEqual(expected, request.Inputs[0].Value);
    }

    [Fact]
    public void ResponseCarriesModelVersionIdAndShapes()
    {
        using var tensor = Tensor.FromValues<float>(TensorDataType.Float, [2, 2], [1f, 2.5f, -3f, 0.1f]);
        var json = Write("req-7", new KServeOutput("y", tensor, false));
        Assert.Equal(
            """{"model_name":"m","model_version":"3","id":"req-7","outputs":[{"name":"y","datatype":"FP32","shape":[2,2],"data":[1,2.5,-3,0.1]}]}""",
            json);
    }

    [Fact]
    public void NonFiniteFloatsAreWrittenAsBareTokens()
    {
        using var tensor = Tensor.FromValues<double>(TensorDataType.Double, [3], [double.NaN, double.PositiveInfinity, double.NegativeInfinity]);
        var json = Write(null, new KServeOutput("y", tensor, false));
        Assert.Contains("\"data\":[NaN,Infinity,-Infinity]", json, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(KServeTestData.Cases), MemberType = typeof(KServeTestData))]
    public void EveryDatatypeGoesOutAsBinaryDataAfterTheJson(DataTypeCase c)
    {
        using var expected = c.Tensor();
        using var other = Tensor.FromValues<int>(TensorDataType.Int32, [1], [5]);
        using var result = Result(new KServeOutput("y", expected, true), new KServeOutput("z", other, false));
        var json = new ArrayBufferWriter<byte>();
        KServeJsonResponseWriter.WriteJson(json, null, result);
        var blobs = new ArrayBufferWriter<byte>();
        KServeJsonResponseWriter.WriteBinary(blobs, result);

        using var document = JsonDocument.Parse(json.WrittenMemory);
        var y = document.RootElement.GetProperty("outputs")[0];
        Assert.False(y.TryGetProperty("data", out _));
        Assert.Equal(blobs.WrittenCount, y.GetProperty("parameters").GetProperty("binary_data_size").GetInt64());
        Assert.Equal("[5]", document.RootElement.GetProperty("outputs")[1].GetProperty("data").GetRawText());
        using var decoded = KServeRawTensor.Decode("y", c.Type, [3], blobs.WrittenSpan);
        KServeTestData.AssertEqual(expected, decoded);
    }

    [Fact]
    public void BytesThatAreNotUtf8CannotGoOutAsJsonButCanAsBinary()
    {
        using var tensor = Tensor.FromStrings([1], [[0xff, 0xfe]]);
        using (var asJson = Result(new KServeOutput("y", tensor, false)))
        {
            var error = Assert.Throws<ServingException>(() => KServeJsonResponseWriter.CheckWritable(asJson));
            Assert.Contains("output 'y' holds bytes that are not UTF-8", error.Message, StringComparison.Ordinal);
        }

        using var binary = Result(new KServeOutput("y", Tensor.FromStrings([1], [[0xff, 0xfe]]), true));
        KServeJsonResponseWriter.CheckWritable(binary);
        var blobs = new ArrayBufferWriter<byte>();
        KServeJsonResponseWriter.WriteBinary(blobs, binary);
        Assert.Equal(new byte[] { 2, 0, 0, 0, 0xff, 0xfe }, blobs.WrittenSpan.ToArray());
    }

    private static KServeInferResult Result(params KServeOutput[] outputs) => new(new ServableId("m", 3), outputs);

    /// <summary>JSON of a response whose outputs stay owned by the caller.</summary>
    private static string Write(string? id, params KServeOutput[] outputs)
    {
        var buffer = new ArrayBufferWriter<byte>();
        KServeJsonResponseWriter.WriteJson(buffer, id, new KServeInferResult(new ServableId("m", 3), outputs));
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
