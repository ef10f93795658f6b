using System.Globalization;
using System.IO.Compression;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using Grpc.Core;
using NServe.EndToEnd.Tests.Infrastructure;
using NServe.Onnx.Building;
using OnnxDataType = Onnx.TensorProto.Types.DataType;
using V2 = global::Inference;

namespace NServe.EndToEnd.Tests;

/// <summary>
/// KServe v2 / Open Inference Protocol through the real server: every REST endpoint with HttpClient and
/// every RPC of inference.GRPCInferenceService with Grpc.Net.Client, on the demo models and on identity
/// models that pass one tensor of every v2 datatype through.
/// </summary>
public sealed class KServeTests(KServeTests.Server fixture) : IClassFixture<KServeTests.Server>
{
    private const string HeaderLength = "Inference-Header-Content-Length";

    private HttpClient Http => fixture.Process.Http;

    private V2.GRPCInferenceService.GRPCInferenceServiceClient Grpc => new(fixture.Process.Channel);

    // ---------------------------------------------------------------- REST: health and metadata

    [Fact]
    public async Task RestServerMetadataAndHealth()
    {
        var (status, body) = await Json.GetAsync(Http, "/v2");
        Assert.Equal(200, status);
        using (var document = JsonDocument.Parse(body))
        {
            Assert.Equal("nserve", document.RootElement.GetProperty("name").GetString());
            Assert.StartsWith("0.", document.RootElement.GetProperty("version").GetString(), StringComparison.Ordinal);
            Assert.Contains("binary_tensor_data", document.RootElement.GetProperty("extensions").EnumerateArray().Select(e => e.GetString()));
        }

        Assert.Equal((200, """{"live":true}"""), await Json.GetAsync(Http, "/v2/health/live"));
        Assert.Equal((200, """{"ready":true}"""), await Json.GetAsync(Http, "/v2/health/ready"));
    }

    [Theory]
    [InlineData("/v2/models/half_plus_two/ready", 200, """{"name":"half_plus_two","ready":true}""")]
    [InlineData("/v2/models/half_plus_two/versions/1/ready", 200, """{"name":"half_plus_two","ready":true}""")]
    [InlineData("/v2/models/half_plus_two/versions/7/ready", 503, """{"name":"half_plus_two","ready":false}""")]
    [InlineData("/v2/models/every_type/versions/stable/ready", 200, """{"name":"every_type","ready":true}""")]
    public async Task RestModelReady(string path, int status, string body) =>
        Assert.Equal((status, body), await Json.GetAsync(Http, path));

    [Fact]
    public async Task RestModelMetadata()
    {
        var (status, body) = await Json.GetAsync(Http, "/v2/models/two_inputs");
        Assert.Equal(200, status);
        Assert.Equal(
            """{"name":"two_inputs","versions":["1"],"platform":"onnxruntime_onnx","inputs":[{"name":"x1","datatype":"FP32","shape":[-1,3]},{"name":"inputs_id","datatype":"INT32","shape":[-1,3]}],"outputs":[{"name":"out","datatype":"FP32","shape":[-1,3]},{"name":"pre","datatype":"FP32","shape":[-1,3,10]}],"parameters":{"execution_provider":"CPUExecutionProvider"}}""",
            body);
        var (versioned, versionedBody) = await Json.GetAsync(Http, "/v2/models/half_plus_two/versions/1");
        Assert.Equal(200, versioned);
        Assert.Equal(
            """{"name":"half_plus_two","versions":["1"],"platform":"onnxruntime_onnx","inputs":[{"name":"x","datatype":"FP32","shape":[-1]}],"outputs":[{"name":"y","datatype":"FP32","shape":[-1]}],"parameters":{"execution_provider":"CPUExecutionProvider"}}""",
            versionedBody);
    }

    // ---------------------------------------------------------------- REST: inference

    [Fact]
    public async Task RestInferOnTheDemoModel()
    {
        var (status, body) = await Json.PostAsync(Http, "/v2/models/half_plus_two/infer",
            """{"id": "req-1", "inputs": [{"name": "x", "shape": [3], "datatype": "FP32", "data": [1.0, 2.0, 5.0]}]}""");
        Assert.Equal(200, status);
        Assert.Equal(
            """{"model_name":"half_plus_two","model_version":"1","id":"req-1","outputs":[{"name":"y","datatype":"FP32","shape":[3],"data":[2.5,3,4.5]}]}""",
            body);
    }

    [Fact]
    public async Task RestInferOnTwoInputsWithNestedDataAndRequestedOutputs()
    {
        var (status, body) = await Json.PostAsync(Http, "/v2/models/two_inputs/versions/1/infer", """
            {"parameters": {"signature_name": "serving_default"},
             "inputs": [{"name": "inputs_id", "shape": [1, 3], "datatype": "INT32", "data": [[1, 2, 3]]},
                        {"name": "x1", "shape": [1, 3], "datatype": "FP32", "data": [[1.0, 2.0, 5.0]]}],
             "outputs": [{"name": "pre"}, {"name": "out"}]}
            """);
        Assert.Equal(200, status);
        using var document = JsonDocument.Parse(body);
        var outputs = document.RootElement.GetProperty("outputs");
        Assert.Equal(["pre", "out"], outputs.EnumerateArray().Select(o => o.GetProperty("name").GetString()));
        Assert.Equal("[1,3,10]", outputs[0].GetProperty("shape").GetRawText());
        var pre = outputs[0].GetProperty("data").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.Equal(30, pre.Length);

        // Embedding row i, column j holds i + j/100 (examples/README.md).
        Assert.Equal(1.0, pre[0], 5);
        Assert.Equal(2.09, pre[19], 5);
        Assert.Equal(3.05, pre[25], 5);
        Assert.Equal("[2.5,3,4.5]", outputs[1].GetProperty("data").GetRawText());
    }

    [Fact]
    public async Task RestInferEveryDatatypeAsJson()
    {
        var inputs = string.Join(", ", Samples.All.Select(s =>
            $$$"""{"name": "x_{{{s.Token}}}", "shape": [3], "datatype": "{{{s.Token}}}", "data": {{{s.Json}}}}"""));
        var (status, body) = await Json.PostAsync(Http, "/v2/models/every_type/infer", $$"""{"inputs": [{{inputs}}]}""");
        Assert.Equal(200, status);
        using var document = JsonDocument.Parse(body);
        Assert.Equal("3", document.RootElement.GetProperty("model_version").GetString());
        var outputs = document.RootElement.GetProperty("outputs").EnumerateArray().ToDictionary(o => o.GetProperty("name").GetString()!);
        foreach (var sample in Samples.All)
        {
            var output = outputs["y_" + sample.Token];
            Assert.Equal(sample.Token, output.GetProperty("datatype").GetString());
            Assert.Equal("[3]", output.GetProperty("shape").GetRawText());
            Assert.Equal(sample.Json, output.GetProperty("data").GetRawText());
        }
    }

    [Fact]
    public async Task RestInferEveryDatatypeAsBinaryData()
    {
        var inputs = string.Join(", ", Samples.All.Select(s =>
            $$$$"""{"name": "x_{{{{s.Token}}}}", "shape": [3], "datatype": "{{{{s.Token}}}}", "parameters": {"binary_data_size": {{{{s.Raw.Length}}}}}}"""));
        var json = $$$"""{"inputs": [{{{inputs}}}], "parameters": {"binary_data_output": true}}""";
        var (status, headerJson, blobs) = await PostBinaryAsync("/v2/models/every_type/versions/stable/infer", json, Samples.All.Select(s => s.Raw));
        Assert.Equal(200, status);

        using var document = JsonDocument.Parse(headerJson);
        Assert.Equal("3", document.RootElement.GetProperty("model_version").GetString());
        var offset = 0;
        foreach (var output in document.RootElement.GetProperty("outputs").EnumerateArray())
        {
            var sample = Samples.All.Single(s => "y_" + s.Token == output.GetProperty("name").GetString());
            Assert.False(output.TryGetProperty("data", out _));
            var size = output.GetProperty("parameters").GetProperty("binary_data_size").GetInt32();
            Assert.Equal(sample.Raw, blobs.AsSpan(offset, size).ToArray());
            offset += size;
        }

        Assert.Equal(blobs.Length, offset);
    }

    [Fact]
    public async Task RestBinaryInputCanComeBackAsJsonAndOneOutputAsBinary()
    {
        var json = """
            {"inputs": [{"name": "x1", "shape": [1, 3], "datatype": "FP32", "parameters": {"binary_data_size": 12}},
                        {"name": "inputs_id", "shape": [1, 3], "datatype": "INT32", "data": [4, 5, 6]}],
             "outputs": [{"name": "out", "parameters": {"binary_data": true}}, {"name": "pre", "parameters": {"binary_data": false}}]}
            """;
        var (status, headerJson, blobs) = await PostBinaryAsync("/v2/models/two_inputs/infer", json, [Samples.Raw(1f, 2f, 5f)]);
        Assert.Equal(200, status);
        using var document = JsonDocument.Parse(headerJson);
        var outputs = document.RootElement.GetProperty("outputs");
        Assert.Equal(12, outputs[0].GetProperty("parameters").GetProperty("binary_data_size").GetInt32());
        Assert.Equal(Samples.Raw(2.5f, 3f, 4.5f), blobs);
        Assert.Equal(4.0, outputs[1].GetProperty("data")[0].GetDouble(), 5);
    }

    [Fact]
    public async Task RestAcceptsAGzipRequestBody()
    {
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write("""{"inputs": [{"name": "x", "shape": [1], "datatype": "FP32", "data": [4.0]}]}"""u8);
        }

        using var content = new ByteArrayContent(compressed.ToArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        content.Headers.ContentEncoding.Add("gzip");
        using var response = await Http.PostAsync("/v2/models/half_plus_two/infer", content);
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Contains("\"data\":[4]", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task V1AndV2ServeSideBySideOnTheRestPort()
    {
        var (v1, v1Body) = await Json.PostAsync(Http, "/v1/models/half_plus_two:predict", """{"instances": [2.0]}""");
        Assert.Equal(200, v1);
        Assert.Equal([3.0], Json.Numbers(v1Body, "predictions"));
        var (v2, _) = await Json.PostAsync(Http, "/v2/models/half_plus_two/infer", """{"inputs": [{"name": "x", "shape": [1], "datatype": "FP32", "data": [2.0]}]}""");
        Assert.Equal(200, v2);
    }

    [Theory]
    [InlineData("/v2/models/nope/infer", """{"inputs": []}""", 404, "Model 'nope' is not known to this server")]
    [InlineData("/v2/models/half_plus_two/versions/9/infer", """{"inputs": [{"name": "x", "shape": [1], "datatype": "FP32", "data": [1]}]}""", 404, "Servable not found for request: Specific(half_plus_two, 9)")]
    [InlineData("/v2/models/half_plus_two/versions/latest/infer", """{"inputs": []}""", 400, "model version 'latest' is not a version number")]
    [InlineData("/v2/models/half_plus_two/infer", """{"inputs": [{"name": "x", "shape": [2, 2], "datatype": "FP32", "data": [1, 2, 3]}]}""", 400, "input 'x': shape [2,2] needs 4 elements, but data holds 3")]
    [InlineData("/v2/models/half_plus_two/infer", """{"inputs": [{"name": "x", "shape": [1], "datatype": "FLOAT32", "data": [1]}]}""", 400, "input 'x': unknown datatype 'FLOAT32'")]
    [InlineData("/v2/models/half_plus_two/infer", """{"inputs": [{"name": "x", "shape": [1], "datatype": "FP64", "data": [1]}]}""", 400, "input 'x' has datatype FP64, but model 'half_plus_two' expects FP32")]
    [InlineData("/v2/models/half_plus_two/infer", """{"inputs": [{"name": "x", "shape": [1], "datatype": "FP32", "data": [1]}], "outputs": [{"name": "z"}]}""", 400, "output tensor alias not found in signature: z")]
    [InlineData("/v2/models/half_plus_two/infer", """{"parameters": {"signature_name": "nope"}, "inputs": [{"name": "x", "shape": [1], "datatype": "FP32", "data": [1]}]}""", 400, "model 'half_plus_two' has no signature 'nope'")]
    [InlineData("/v2/models/two_inputs/infer", """{"inputs": [{"name": "x1", "shape": [1, 2], "datatype": "FP32", "data": [1, 2]}, {"name": "inputs_id", "shape": [1, 2], "datatype": "INT32", "data": [1, 2]}]}""", 400, "")]
    [InlineData("/v2/models/half_plus_two/infer", """{"inputs": [{"name": "x", "shape": [1], "datatype": "FP32", "data": [1]}""", 400, "malformed JSON in inference request")]
    public async Task RestBadRequestsGetTheirStatusAndAClearError(string path, string body, int expectedStatus, string message)
    {
        var (status, response) = await Json.PostAsync(Http, path, body);
        Assert.Equal(expectedStatus, status);
        var error = Json.Error(response);
        Assert.NotEmpty(error);
        Assert.StartsWith(message, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("abc", 0, "Inference-Header-Content-Length must be one decimal number of bytes")]
    [InlineData("0", 0, "Inference-Header-Content-Length: 0 (a raw binary request without JSON) is not supported")]
    [InlineData(null, 1000, "Inference-Header-Content-Length is")]
    [InlineData(null, -1, "malformed JSON in inference request")]
    [InlineData(null, 0, "the body holds 11 bytes after the")]
    public async Task RestBadBinaryHeaderLengthsAreBadRequests(string? header, int skew, string message)
    {
        var json = Encoding.UTF8.GetBytes("""{"inputs": [{"name": "x", "shape": [2], "datatype": "FP32", "parameters": {"binary_data_size": 8}}]}""");
        using var content = new ByteArrayContent([.. json, .. Samples.Raw(1f, 2f), 1, 2, 3]);
        content.Headers.TryAddWithoutValidation(HeaderLength, header ?? (json.Length + skew).ToString(CultureInfo.InvariantCulture));
        using var response = await Http.PostAsync("/v2/models/half_plus_two/infer", content);
        Assert.Equal(400, (int)response.StatusCode);
        Assert.StartsWith(message, Json.Error(await response.Content.ReadAsStringAsync()), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GET", "/v2/models/half_plus_two/infer", 405)]
    [InlineData("POST", "/v2/health/ready", 405)]
    [InlineData("GET", "/v2/models/nope", 404)]
    [InlineData("GET", "/v2/models/nope/ready", 404)]
    [InlineData("GET", "/v2/models/half_plus_two/versions/x/ready", 400)]
    [InlineData("GET", "/v2/repository/index", 404)]
    public async Task RestUnknownPathsModelsAndMethodsAreErrors(string method, string path, int expectedStatus)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        using var response = await Http.SendAsync(request);
        Assert.Equal(expectedStatus, (int)response.StatusCode);
        Assert.NotEmpty(Json.Error(await response.Content.ReadAsStringAsync()));
    }

    // ---------------------------------------------------------------- gRPC

    [Fact]
    public async Task GrpcHealthAndMetadata()
    {
        Assert.True((await Grpc.ServerLiveAsync(new V2.ServerLiveRequest())).Live);
        Assert.True((await Grpc.ServerReadyAsync(new V2.ServerReadyRequest())).Ready);
        Assert.True((await Grpc.ModelReadyAsync(new V2.ModelReadyRequest { Name = "half_plus_two" })).Ready);
        Assert.True((await Grpc.ModelReadyAsync(new V2.ModelReadyRequest { Name = "half_plus_two", Version = "1" })).Ready);
        Assert.False((await Grpc.ModelReadyAsync(new V2.ModelReadyRequest { Name = "half_plus_two", Version = "2" })).Ready);

        var server = await Grpc.ServerMetadataAsync(new V2.ServerMetadataRequest());
        Assert.Equal("nserve", server.Name);
        Assert.NotEmpty(server.Version);
        Assert.Equal(["binary_tensor_data"], server.Extensions);

        var model = await Grpc.ModelMetadataAsync(new V2.ModelMetadataRequest { Name = "two_inputs" });
        Assert.Equal("two_inputs", model.Name);
        Assert.Equal(["1"], model.Versions);
        Assert.Equal("onnxruntime_onnx", model.Platform);
        Assert.Equal(["x1:FP32:-1,3", "inputs_id:INT32:-1,3"], model.Inputs.Select(t => $"{t.Name}:{t.Datatype}:{string.Join(",", t.Shape)}"));
        Assert.Equal(["out:FP32:-1,3", "pre:FP32:-1,3,10"], model.Outputs.Select(t => $"{t.Name}:{t.Datatype}:{string.Join(",", t.Shape)}"));
    }

    [Fact]
    public async Task GrpcInferWithTypedContentsAnswersTypedContents()
    {
        var request = new V2.ModelInferRequest { ModelName = "half_plus_two", Id = "g-1" };
        request.Inputs.Add(new V2.ModelInferRequest.Types.InferInputTensor
        {
            Name = "x",
            Datatype = "FP32",
            Shape = { 3 },
            Contents = new V2.InferTensorContents { Fp32Contents = { 1f, 2f, 5f } },
        });
        var response = await Grpc.ModelInferAsync(request);
        Assert.Equal("half_plus_two", response.ModelName);
        Assert.Equal("1", response.ModelVersion);
        Assert.Equal("g-1", response.Id);
        var y = Assert.Single(response.Outputs);
        Assert.Equal(("y", "FP32"), (y.Name, y.Datatype));
        Assert.Equal([3L], y.Shape);
        Assert.Equal([2.5f, 3f, 4.5f], y.Contents.Fp32Contents);
        Assert.Empty(response.RawOutputContents);
    }

    [Fact]
    public async Task GrpcInferEveryTypedDatatype()
    {
        var request = new V2.ModelInferRequest { ModelName = "typed_types" };
        foreach (var sample in Samples.All.Where(s => s.Typed is not null))
        {
            request.Inputs.Add(new V2.ModelInferRequest.Types.InferInputTensor
            {
                Name = "x_" + sample.Token,
                Datatype = sample.Token,
                Shape = { 3 },
                Contents = sample.Typed,
            });
        }

        var response = await Grpc.ModelInferAsync(request);
        Assert.Empty(response.RawOutputContents);
        Assert.Equal(12, response.Outputs.Count);
        foreach (var output in response.Outputs)
        {
            var sample = Samples.All.Single(s => "y_" + s.Token == output.Name);
            Assert.Equal(sample.Token, output.Datatype);
            Assert.Equal(sample.Typed, output.Contents);
        }
    }

    [Fact]
    public async Task GrpcInferEveryDatatypeAsRawContents()
    {
        var request = new V2.ModelInferRequest { ModelName = "every_type", ModelVersion = "3" };
        foreach (var sample in Samples.All)
        {
            request.Inputs.Add(new V2.ModelInferRequest.Types.InferInputTensor { Name = "x_" + sample.Token, Datatype = sample.Token, Shape = { 3 } });
            request.RawInputContents.Add(ByteString.CopyFrom(sample.Raw));
        }

        var response = await Grpc.ModelInferAsync(request);
        Assert.Equal("3", response.ModelVersion);
        Assert.Equal(response.Outputs.Count, response.RawOutputContents.Count);
        for (var i = 0; i < response.Outputs.Count; i++)
        {
            var output = response.Outputs[i];
            var sample = Samples.All.Single(s => "y_" + s.Token == output.Name);
            Assert.Equal(sample.Token, output.Datatype);
            Assert.Null(output.Contents);
            Assert.Equal(sample.Raw, response.RawOutputContents[i].ToByteArray());
        }
    }

    [Fact]
    public async Task GrpcTypedRequestWithAnFp16OutputIsAnsweredRaw()
    {
        var request = new V2.ModelInferRequest { ModelName = "to_half" };
        request.Inputs.Add(new V2.ModelInferRequest.Types.InferInputTensor
        {
            Name = "x",
            Datatype = "FP32",
            Shape = { 2 },
            Contents = new V2.InferTensorContents { Fp32Contents = { 0.5f, -3f } },
        });
        var response = await Grpc.ModelInferAsync(request);
        var y = Assert.Single(response.Outputs);
        Assert.Equal("FP16", y.Datatype);
        Assert.Null(y.Contents);
        Assert.Equal(Samples.Raw((Half)0.5f, (Half)(-3f)), response.RawOutputContents.Single().ToByteArray());
    }

    [Theory]
    [InlineData("nope", "", "x", "FP32", 1, StatusCode.NotFound, "Model 'nope' is not known to this server")]
    [InlineData("half_plus_two", "5", "x", "FP32", 1, StatusCode.NotFound, "Servable not found for request: Specific(half_plus_two, 5)")]
    [InlineData("half_plus_two", "v5", "x", "FP32", 1, StatusCode.InvalidArgument, "model version 'v5' is not a version number")]
    [InlineData("half_plus_two", "", "x", "FP8", 1, StatusCode.InvalidArgument, "input 'x': unknown datatype 'FP8'")]
    [InlineData("half_plus_two", "", "x", "FP32", 2, StatusCode.InvalidArgument, "input 'x': shape [2] needs 2 elements, but fp32_contents holds 1")]
    [InlineData("half_plus_two", "", "q", "FP32", 1, StatusCode.InvalidArgument, "input size does not match signature")]
    public async Task GrpcBadRequestsGetTheirStatus(string model, string version, string input, string datatype, long dim, StatusCode code, string message)
    {
        var request = new V2.ModelInferRequest { ModelName = model, ModelVersion = version };
        request.Inputs.Add(new V2.ModelInferRequest.Types.InferInputTensor
        {
            Name = input,
            Datatype = datatype,
            Shape = { dim },
            Contents = new V2.InferTensorContents { Fp32Contents = { 1f } },
        });
        var error = await Assert.ThrowsAsync<RpcException>(async () => await Grpc.ModelInferAsync(request));
        Assert.Equal(code, error.StatusCode);
        Assert.StartsWith(message, error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GrpcRawContentsOfTheWrongSizeAndUnknownModelsAreErrors()
    {
        var request = new V2.ModelInferRequest { ModelName = "half_plus_two" };
        request.Inputs.Add(new V2.ModelInferRequest.Types.InferInputTensor { Name = "x", Datatype = "FP32", Shape = { 2 } });
        request.RawInputContents.Add(ByteString.CopyFrom(new byte[6]));
        var error = await Assert.ThrowsAsync<RpcException>(async () => await Grpc.ModelInferAsync(request));
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal("input 'x': shape [2] of FP32 needs 8 bytes of data, got 6", error.Status.Detail);

        var notFound = await Assert.ThrowsAsync<RpcException>(async () => await Grpc.ModelMetadataAsync(new V2.ModelMetadataRequest { Name = "nope" }));
        Assert.Equal(StatusCode.NotFound, notFound.StatusCode);
        var notReady = await Assert.ThrowsAsync<RpcException>(async () => await Grpc.ModelReadyAsync(new V2.ModelReadyRequest { Name = "nope" }));
        Assert.Equal(StatusCode.NotFound, notReady.StatusCode);
    }

    private async Task<(int Status, string Json, byte[] Blobs)> PostBinaryAsync(string path, string json, IEnumerable<byte[]> blobs)
    {
        var header = Encoding.UTF8.GetBytes(json);
        using var content = new ByteArrayContent([.. header, .. blobs.SelectMany(b => b)]);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        content.Headers.TryAddWithoutValidation(HeaderLength, header.Length.ToString(CultureInfo.InvariantCulture));
        using var response = await Http.PostAsync(path, content);
        var body = await response.Content.ReadAsByteArrayAsync();
        if (!response.Headers.TryGetValues(HeaderLength, out var values))
        {
            return ((int)response.StatusCode, Encoding.UTF8.GetString(body), []);
        }

        var length = int.Parse(values.Single(), CultureInfo.InvariantCulture);
        return ((int)response.StatusCode, Encoding.UTF8.GetString(body, 0, length), body[length..]);
    }

    /// <summary>One datatype's three sample elements: as response JSON, as raw bytes, and as gRPC typed contents (null for FP16).</summary>
    public sealed record Sample(string Token, OnnxDataType OnnxType, string Json, byte[] Raw, V2.InferTensorContents? Typed);

    public static class Samples
    {
        public static IReadOnlyList<Sample> All { get; } =
        [
            new("BOOL", OnnxDataType.Bool, "[true,false,true]", [1, 0, 1], new() { BoolContents = { true, false, true } }),
            new("UINT8", OnnxDataType.Uint8, "[0,255,7]", [0, 255, 7], new() { UintContents = { 0, 255, 7 } }),
            new("UINT16", OnnxDataType.Uint16, "[0,65535,7]", Raw<ushort>(0, 65535, 7), new() { UintContents = { 0, 65535, 7 } }),
            new("UINT32", OnnxDataType.Uint32, "[0,4294967295,7]", Raw<uint>(0, uint.MaxValue, 7), new() { UintContents = { 0, uint.MaxValue, 7 } }),
            new("UINT64", OnnxDataType.Uint64, "[0,18446744073709551615,7]", Raw<ulong>(0, ulong.MaxValue, 7), new() { Uint64Contents = { 0, ulong.MaxValue, 7 } }),
            new("INT8", OnnxDataType.Int8, "[-128,127,0]", Raw<sbyte>(-128, 127, 0), new() { IntContents = { -128, 127, 0 } }),
            new("INT16", OnnxDataType.Int16, "[-32768,32767,0]", Raw<short>(short.MinValue, short.MaxValue, 0), new() { IntContents = { short.MinValue, short.MaxValue, 0 } }),
            new("INT32", OnnxDataType.Int32, "[-2147483648,2147483647,0]", Raw(int.MinValue, int.MaxValue, 0), new() { IntContents = { int.MinValue, int.MaxValue, 0 } }),
            new("INT64", OnnxDataType.Int64, "[-9223372036854775808,9223372036854775807,0]", Raw(long.MinValue, long.MaxValue, 0L), new() { Int64Contents = { long.MinValue, long.MaxValue, 0 } }),
            new("FP16", OnnxDataType.Float16, "[0.5,-2,65504]", Raw((Half)0.5f, (Half)(-2f), Half.MaxValue), null),
            new("FP32", OnnxDataType.Float, "[1.5,-0.25,3.4028235E+38]", Raw(1.5f, -0.25f, float.MaxValue), new() { Fp32Contents = { 1.5f, -0.25f, float.MaxValue } }),
            new("FP64", OnnxDataType.Double, "[1.5,-0.25,1.7976931348623157E+308]", Raw(1.5, -0.25, double.MaxValue), new() { Fp64Contents = { 1.5, -0.25, double.MaxValue } }),
            new("BYTES", OnnxDataType.String, "[\"a\",\"ü€\",\"\"]", [1, 0, 0, 0, (byte)'a', 5, 0, 0, 0, 0xC3, 0xBC, 0xE2, 0x82, 0xAC, 0, 0, 0, 0],
                new() { BytesContents = { ByteString.CopyFromUtf8("a"), ByteString.CopyFromUtf8("ü€"), ByteString.Empty } }),
        ];

        public static byte[] Raw<T>(params T[] values)
            where T : struct => MemoryMarshal.AsBytes(values.AsSpan()).ToArray();
    }

    /// <summary>
    /// One server for the class, from a model config: the two example models, <c>every_type</c> (version 3,
    /// label stable) and <c>typed_types</c> (identity per datatype: x_TOKEN → y_TOKEN; the second without
    /// FP16, which typed gRPC contents cannot carry), and <c>to_half</c> (FP32 x → FP16 y).
    /// </summary>
    public sealed class Server : IAsyncLifetime
    {
        private readonly string _root = Directory.CreateTempSubdirectory("nserve-e2e-kserve-").FullName;

        public ServerProcess Process { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            WriteIdentity("every_type", 3, Samples.All);
            WriteIdentity("typed_types", 1, Samples.All.Where(s => s.Typed is not null));
            WriteToHalf();
            var config = Path.Combine(_root, "models.config");
            File.WriteAllText(config, $$"""
                model_config_list {
                  config { name: 'half_plus_two' base_path: '{{Path.Combine(TestPaths.Examples, "half_plus_two")}}' model_platform: 'onnx' }
                  config { name: 'two_inputs' base_path: '{{Path.Combine(TestPaths.Examples, "two_inputs")}}' model_platform: 'onnx' }
                  config { name: 'every_type' base_path: '{{Path.Combine(_root, "every_type")}}' model_platform: 'onnx'
                    version_labels { key: 'stable' value: 3 } }
                  config { name: 'typed_types' base_path: '{{Path.Combine(_root, "typed_types")}}' model_platform: 'onnx' }
                  config { name: 'to_half' base_path: '{{Path.Combine(_root, "to_half")}}' model_platform: 'onnx' }
                }
                """);
            Process = await ServerProcess.StartAsync($"--model_config_file={config}");
        }

        public async Task DisposeAsync()
        {
            await Process.DisposeAsync();
            Directory.Delete(_root, recursive: true);
        }

        private void WriteIdentity(string name, int version, IEnumerable<Sample> samples)
        {
            var model = new OnnxModelBuilder();
            foreach (var sample in samples)
            {
                model.Graph.AddInput("x_" + sample.Token, sample.OnnxType, [OnnxDim.Symbolic("n")]);
                model.Graph.AddNode("Identity", ["x_" + sample.Token], ["y_" + sample.Token]);
                model.Graph.AddOutput("y_" + sample.Token, sample.OnnxType, [OnnxDim.Symbolic("n")]);
            }

            Save(model, name, version);
        }

        private void WriteToHalf()
        {
            var model = new OnnxModelBuilder();
            model.Graph.AddInput("x", OnnxDataType.Float, [OnnxDim.Symbolic("n")]);
            model.Graph.AddNode("Cast", ["x"], ["y"]).Attribute("to", (long)OnnxDataType.Float16);
            model.Graph.AddOutput("y", OnnxDataType.Float16, [OnnxDim.Symbolic("n")]);
            Save(model, "to_half", 1);
        }

        private void Save(OnnxModelBuilder model, string name, int version)
        {
            var folder = Path.Combine(_root, name, version.ToString(CultureInfo.InvariantCulture));
            Directory.CreateDirectory(folder);
            File.WriteAllBytes(Path.Combine(folder, "model.onnx"), model.Serialize());
        }
    }
}
