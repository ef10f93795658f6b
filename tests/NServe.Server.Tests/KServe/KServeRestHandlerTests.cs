using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using NServe.Server.KServe;
using NServe.Server.Rest;

namespace NServe.Server.Tests.KServe;

/// <summary>The REST handler on in-process HTTP contexts, over real ONNX servables.</summary>
public sealed class KServeRestHandlerTests(KServeServingFixture fixture) : IClassFixture<KServeServingFixture>
{
    private readonly KServeRestHandler _handler = new(new KServeModels(fixture.Manager), new KServeReadiness(fixture.Manager), new RestApiOptions());

    [Fact]
    public async Task ServerMetadataNamesNServeAndTheBinaryExtension()
    {
        var (status, json) = await Send("GET", "/v2");
        Assert.Equal(200, status);
        using var document = JsonDocument.Parse(json);
        Assert.Equal("nserve", document.RootElement.GetProperty("name").GetString());
        Assert.False(string.IsNullOrEmpty(document.RootElement.GetProperty("version").GetString()));
        Assert.Equal("[\"binary_tensor_data\"]", document.RootElement.GetProperty("extensions").GetRawText());
    }

    [Theory]
    [InlineData("/v2/health/live", 200, """{"live":true}""")]
    [InlineData("/v2/health/ready", 200, """{"ready":true}""")]
    [InlineData("/v2/models/half_plus_two/ready", 200, """{"name":"half_plus_two","ready":true}""")]
    [InlineData("/v2/models/half_plus_two/versions/1/ready", 200, """{"name":"half_plus_two","ready":true}""")]
    [InlineData("/v2/models/half_plus_two/versions/2/ready", 503, """{"name":"half_plus_two","ready":false}""")]
    [InlineData("/v2/models/half_plus_two/versions/stable/ready", 200, """{"name":"half_plus_two","ready":true}""")]
    [InlineData("/v2/models/half_plus_two/versions/next/ready", 503, """{"name":"half_plus_two","ready":false}""")]
    [InlineData("/v2/models/broken/ready", 503, """{"name":"broken","ready":false}""")]
    public async Task HealthAnswers(string path, int expectedStatus, string expectedBody)
    {
        var (status, json) = await Send("GET", path);
        Assert.Equal(expectedStatus, status);
        Assert.Equal(expectedBody, json);
    }

    [Fact]
    public async Task ModelMetadataDescribesTheDefaultSignature()
    {
        var (status, json) = await Send("GET", "/v2/models/half_plus_two/versions/1");
        Assert.Equal(200, status);
        Assert.Equal(
            """{"name":"half_plus_two","versions":["1"],"platform":"onnxruntime_onnx","inputs":[{"name":"x","datatype":"FP32","shape":[-1]}],"outputs":[{"name":"y","datatype":"FP32","shape":[-1]}],"parameters":{"execution_provider":"CPUExecutionProvider"}}""",
            json);
    }

    [Fact]
    public async Task InferWithJsonTensors()
    {
        var (status, json) = await Send("POST", "/v2/models/half_plus_two/infer",
            """{"id": "7", "inputs": [{"name": "x", "shape": [3], "datatype": "FP32", "data": [1.0, 2.0, 5.0]}]}""");
        Assert.Equal(200, status);
        Assert.Equal(
            """{"model_name":"half_plus_two","model_version":"1","id":"7","outputs":[{"name":"y","datatype":"FP32","shape":[3],"data":[2.5,3,4.5]}]}""",
            json);
    }

    [Fact]
    public async Task InferWithBinaryTensorsBothWays()
    {
        var header = """{"inputs": [{"name": "x", "shape": [2], "datatype": "FP32", "parameters": {"binary_data_size": 8}}], "parameters": {"binary_data_output": true}}""";
        var headerBytes = Encoding.UTF8.GetBytes(header);
        byte[] body = [.. headerBytes, .. BitConverter.GetBytes(4f), .. BitConverter.GetBytes(-2f)];
        var context = Context("POST", "/v2/models/half_plus_two/infer", body);
        context.Request.Headers[KServeParameters.HeaderContentLength] = headerBytes.Length.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await _handler.HandleAsync(context);

        Assert.Equal(200, context.Response.StatusCode);
        Assert.Equal("application/octet-stream", context.Response.ContentType);
        var bytes = ((MemoryStream)context.Response.Body).ToArray();
        var jsonLength = int.Parse(context.Response.Headers[KServeParameters.HeaderContentLength]!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(bytes.Length, context.Response.ContentLength);
        Assert.Equal(
            """{"model_name":"half_plus_two","model_version":"1","outputs":[{"name":"y","datatype":"FP32","shape":[2],"parameters":{"binary_data_size":8}}]}""",
            Encoding.UTF8.GetString(bytes, 0, jsonLength));
        Assert.Equal(8, bytes.Length - jsonLength);
        Assert.Equal(4f, BitConverter.ToSingle(bytes, jsonLength));
        Assert.Equal(1f, BitConverter.ToSingle(bytes, jsonLength + 4));
    }

    [Theory]
    [InlineData("POST", "/v2/models/nope/infer", 404, "Model 'nope' is not known to this server")]
    [InlineData("POST", "/v2/models/half_plus_two/versions/9/infer", 404, "Servable not found for request: Specific(half_plus_two, 9)")]
    [InlineData("POST", "/v2/models/half_plus_two/versions/v1/infer", 400, "model version 'v1' is not a version number (v2 versions are decimal numbers) nor a version label of model 'half_plus_two'")]
    [InlineData("GET", "/v2/models/half_plus_two/infer", 405, "GET is not allowed here; use POST")]
    [InlineData("POST", "/v2/health/live", 405, "POST is not allowed here; use GET")]
    [InlineData("GET", "/v2/models/nope", 404, "Model 'nope' is not known to this server")]
    [InlineData("GET", "/v2/models/nope/ready", 404, "Model 'nope' is not known to this server")]
    [InlineData("GET", "/v2/repository/index", 404, "no v2 endpoint at /v2/repository/index")]
    public async Task ErrorsCarryTheirStatusAndMessage(string method, string path, int expectedStatus, string message)
    {
        var (status, json) = await Send(method, path, """{"inputs": [{"name": "x", "shape": [1], "datatype": "FP32", "data": [1]}]}""");
        Assert.Equal(expectedStatus, status);
        Assert.Equal(message, Error(json));
    }

    [Theory]
    [InlineData("""{"inputs": [{"name": "x", "shape": [2], "datatype": "FP32", "data": [1]}]}""", "input 'x': shape [2] needs 2 elements, but data holds 1")]
    [InlineData("""{"inputs": [{"name": "x", "shape": [1], "datatype": "FLOAT", "data": [1]}]}""", "input 'x': unknown datatype 'FLOAT'")]
    [InlineData("""{"inputs": [{"name": "x", "shape": [1], "datatype": "FP32", "data": [1]}], "outputs": [{"name": "z"}]}""", "output tensor alias not found in signature: z")]
    [InlineData("""{"inputs": [{"name": "q", "shape": [1], "datatype": "FP32", "data": [1]}]}""", "input size does not match signature: 1!=1 len({q}) != len({x}). Sent extra: {q}. Missing but required: {x}.")]
    [InlineData("""not json""", "malformed JSON in inference request")]
    public async Task BadInferRequestsAre400s(string body, string message)
    {
        var (status, json) = await Send("POST", "/v2/models/half_plus_two/infer", body);
        Assert.Equal(400, status);
        Assert.StartsWith(message, Error(json), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("abc", "Inference-Header-Content-Length must be one decimal number of bytes")]
    [InlineData("-5", "Inference-Header-Content-Length must be one decimal number of bytes")]
    [InlineData("0", "Inference-Header-Content-Length: 0 (a raw binary request without JSON) is not supported")]
    [InlineData("100000", "Inference-Header-Content-Length is 100000, but it must lie between 1 and the body's")]
    public async Task BadHeaderLengthsAre400s(string header, string message)
    {
        var context = Context("POST", "/v2/models/half_plus_two/infer", Encoding.UTF8.GetBytes("""{"inputs": []}"""));
        context.Request.Headers[KServeParameters.HeaderContentLength] = header;
        await _handler.HandleAsync(context);
        Assert.Equal(400, context.Response.StatusCode);
        Assert.StartsWith(message, Error(Encoding.UTF8.GetString(((MemoryStream)context.Response.Body).ToArray())), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ABodyThatDoesNotArriveWithinTheRestTimeoutIs504()
    {
        var handler = new KServeRestHandler(new KServeModels(fixture.Manager), new KServeReadiness(fixture.Manager), new RestApiOptions { TimeoutMilliseconds = 50 });
        var context = Context("POST", "/v2/models/half_plus_two/infer", []);
        context.Request.Body = new StalledStream();
        await handler.HandleAsync(context);
        Assert.Equal(504, context.Response.StatusCode);
        Assert.Equal("Deadline exceeded while reading the request body", Error(Encoding.UTF8.GetString(((MemoryStream)context.Response.Body).ToArray())));
    }

    private async Task<(int Status, string Body)> Send(string method, string path, string? body = null)
    {
        var context = Context(method, path, body is null ? [] : Encoding.UTF8.GetBytes(body));
        await _handler.HandleAsync(context);
        return (context.Response.StatusCode, Encoding.UTF8.GetString(((MemoryStream)context.Response.Body).ToArray()));
    }

    private static DefaultHttpContext Context(string method, string path, byte[] body)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        context.Request.Path = path;
        context.Request.Body = new MemoryStream(body);
        context.Request.ContentLength = body.Length;
        context.Response.Body = new MemoryStream();
        return context;
    }

    private static string Error(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.GetProperty("error").GetString()!;
    }

    /// <summary>A request body whose bytes never come: reads wait until cancelled.</summary>
    private sealed class StalledStream : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return 0;
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
