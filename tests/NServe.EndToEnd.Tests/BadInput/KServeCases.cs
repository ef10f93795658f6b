using System.Text;
using Google.Protobuf;
using Grpc.Core;
using V2 = global::Inference;

namespace NServe.EndToEnd.Tests.BadInput;

/// <summary>Malformed KServe v2 requests, over REST (<c>/v2/...</c>) and gRPC (<c>inference.GRPCInferenceService</c>).</summary>
public static class KServeCases
{
    private const string Infer = "/v2/models/half_plus_two/infer";
    private const string Json = "Content-Type: application/json";

    public static IEnumerable<BadInputCase> All()
    {
        // REST JSON.
        yield return Post("v2 not JSON", Infer, "infer please", "400", "");
        yield return Post("v2 empty body", Infer, "", "400", "");
        yield return Post("v2 no inputs", Infer, """{"id": "1"}""", "400", "input size does not match signature: 0!=1");
        yield return Post("v2 inputs not a list", Infer, """{"inputs": 1}""", "400", "");
        yield return Post("v2 input without a name", Infer, """{"inputs": [{"shape": [1], "datatype": "FP32", "data": [1.0]}]}""", "400", "");
        yield return Post("v2 unknown datatype", Infer, """{"inputs": [{"name": "x", "shape": [1], "datatype": "FP128", "data": [1.0]}]}""", "400", "FP128");
        yield return Post("v2 datatype not the model's", Infer, """{"inputs": [{"name": "x", "shape": [1], "datatype": "FP64", "data": [1.0]}]}""", "400", "");
        yield return Post("v2 unknown input", Infer, """{"inputs": [{"name": "zz", "shape": [1], "datatype": "FP32", "data": [1.0]}]}""", "400", "zz");
        yield return Post("v2 unknown output", Infer, """{"inputs": [{"name": "x", "shape": [1], "datatype": "FP32", "data": [1.0]}], "outputs": [{"name": "zz"}]}""", "400", "zz");
        yield return Post("v2 negative dimension", Infer, """{"inputs": [{"name": "x", "shape": [-1], "datatype": "FP32", "data": [1.0]}]}""", "400", "'shape' must hold non-negative integers");
        yield return Post("v2 shape of 10^12, one value", Infer, """{"inputs": [{"name": "x", "shape": [1000000000000], "datatype": "FP32", "data": [1.0]}]}""", "400", "x");
        yield return Post("v2 shape overflowing int64", Infer, """{"inputs": [{"name": "x", "shape": [4611686018427387904, 4], "datatype": "FP32", "data": [1.0]}]}""", "400", "too many elements");
        yield return Post("v2 fewer values than the shape", Infer, """{"inputs": [{"name": "x", "shape": [3], "datatype": "FP32", "data": [1.0, 2.0]}]}""", "400", "x");
        yield return Post("v2 strings for FP32", Infer, """{"inputs": [{"name": "x", "shape": [1], "datatype": "FP32", "data": ["a"]}]}""", "400", "x");
        yield return Post("v2 100000 open brackets", Infer, "{\"inputs\": [{\"name\": \"x\", \"shape\": [1], \"datatype\": \"FP32\", \"data\": " + new string('[', 100_000), "400", "");
        yield return Post("v2 version not a number", "/v2/models/half_plus_two/versions/abc/infer", """{"inputs": [{"name": "x", "shape": [1], "datatype": "FP32", "data": [1.0]}]}""", "400", "abc");
        yield return Post("v2 unknown model", "/v2/models/nope/infer", """{"inputs": [{"name": "x", "shape": [1], "datatype": "FP32", "data": [1.0]}]}""", "404", "nope");
        yield return Post("v2 unknown version", "/v2/models/half_plus_two/versions/9/infer", """{"inputs": [{"name": "x", "shape": [1], "datatype": "FP32", "data": [1.0]}]}""", "404", "");
        yield return Get("v2 dot segments", "/v2/models/../../etc/passwd", "404", "");
        yield return Get("v2 unknown model metadata", "/v2/models/nope", "404", "nope");

        // REST binary extension: the JSON header's length and binary_data_size against the bytes sent.
        yield return Binary("v2 header length beyond the body", """{"inputs": [{"name": "x", "shape": [1], "datatype": "FP32", "parameters": {"binary_data_size": 4}}]}""", 4, "100000", "400", "");
        yield return Binary("v2 header length not a number", """{"inputs": [{"name": "x", "shape": [1], "datatype": "FP32", "parameters": {"binary_data_size": 4}}]}""", 4, "x", "400", "must be one decimal number");
        yield return Binary("v2 binary_data_size beyond the body", """{"inputs": [{"name": "x", "shape": [1], "datatype": "FP32", "parameters": {"binary_data_size": 4000}}]}""", 4, null, "400", "");
        yield return Binary("v2 binary shape of 10^12 with 4 bytes", """{"inputs": [{"name": "x", "shape": [1000000000000], "datatype": "FP32", "parameters": {"binary_data_size": 4}}]}""", 4, null, "400", "");
        yield return Binary("v2 binary size not a multiple of the element", """{"inputs": [{"name": "x", "shape": [1], "datatype": "FP32", "parameters": {"binary_data_size": 3}}]}""", 3, null, "400", "");
        yield return Binary("v2 binary and data both", """{"inputs": [{"name": "x", "shape": [1], "datatype": "FP32", "data": [1.0], "parameters": {"binary_data_size": 4}}]}""", 4, null, "400", "has both 'data' and a 'binary_data_size' parameter");

        yield return new BadInputCase("v2 body stalled mid-way", "504", "Deadline exceeded while reading the request body",
            s => RawHttp.SendAsync(s.RestPort, "POST", Infer, Encoding.UTF8.GetBytes("{\"inputs\": ["), [Json], contentLength: 1 << 20, stopEarly: true));

        // gRPC ModelInfer.
        yield return Grpc("v2 gRPC unknown model", c => c.ModelInferAsync(Request("nope", Fp32("x", [1], 1))).ResponseAsync, "NotFound", "nope");
        yield return Grpc("v2 gRPC unknown version", c => c.ModelInferAsync(new V2.ModelInferRequest(Request("half_plus_two", Fp32("x", [1], 1))) { ModelVersion = "9" }).ResponseAsync, "NotFound", "");
        yield return Grpc("v2 gRPC version not a number", c => c.ModelInferAsync(new V2.ModelInferRequest(Request("half_plus_two", Fp32("x", [1], 1))) { ModelVersion = "abc" }).ResponseAsync, "InvalidArgument", "abc");
        yield return Grpc("v2 gRPC shape of 10^12, raw 4 bytes", c => c.ModelInferAsync(Raw(new V2.ModelInferRequest.Types.InferInputTensor { Name = "x", Datatype = "FP32", Shape = { 1_000_000_000_000 } }, new byte[4])).ResponseAsync, "InvalidArgument", "x");
        yield return Grpc("v2 gRPC shape of 10^12, one fp32", c => c.ModelInferAsync(Request("half_plus_two", Fp32("x", [1_000_000_000_000], 1))).ResponseAsync, "InvalidArgument", "x");
        yield return Grpc("v2 gRPC raw count mismatch", c => c.ModelInferAsync(Raw(new V2.ModelInferRequest.Types.InferInputTensor { Name = "x", Datatype = "FP32", Shape = { 1 } }, new byte[4], new byte[4])).ResponseAsync, "InvalidArgument", "raw_input_contents");
        yield return Grpc("v2 gRPC unknown datatype", c => c.ModelInferAsync(Request("half_plus_two", new V2.ModelInferRequest.Types.InferInputTensor { Name = "x", Datatype = "FP128", Shape = { 1 } })).ResponseAsync, "InvalidArgument", "FP128");
        yield return Grpc("v2 gRPC negative dimension", c => c.ModelInferAsync(Request("half_plus_two", Fp32("x", [-3], 1))).ResponseAsync, "InvalidArgument", "negative dimension");
        yield return Grpc("v2 gRPC wrong contents field", c => c.ModelInferAsync(Request("half_plus_two", new V2.ModelInferRequest.Types.InferInputTensor { Name = "x", Datatype = "FP32", Shape = { 1 }, Contents = new V2.InferTensorContents { IntContents = { 1 } } })).ResponseAsync, "InvalidArgument", "");
        yield return Grpc("v2 gRPC unknown model metadata", c => c.ModelMetadataAsync(new V2.ModelMetadataRequest { Name = "nope" }).ResponseAsync, "NotFound", "nope");
    }

    private static V2.ModelInferRequest.Types.InferInputTensor Fp32(string name, long[] shape, params float[] values) =>
        new() { Name = name, Datatype = "FP32", Shape = { shape }, Contents = new V2.InferTensorContents { Fp32Contents = { values } } };

    private static V2.ModelInferRequest Request(string model, V2.ModelInferRequest.Types.InferInputTensor input) =>
        new() { ModelName = model, Inputs = { input } };

    private static V2.ModelInferRequest Raw(V2.ModelInferRequest.Types.InferInputTensor input, params byte[][] raw)
    {
        var request = Request("half_plus_two", input);
        foreach (var bytes in raw)
        {
            request.RawInputContents.Add(ByteString.CopyFrom(bytes));
        }

        return request;
    }

    private static BadInputCase Grpc<T>(string name, Func<V2.GRPCInferenceService.GRPCInferenceServiceClient, Task<T>> call, string status, string message) =>
        new(name, status, message, async s =>
        {
            try
            {
                await call(new V2.GRPCInferenceService.GRPCInferenceServiceClient(s.Process.Channel));
                return new BadInputAnswer("OK", "");
            }
            catch (RpcException ex)
            {
                return new BadInputAnswer(ex.StatusCode.ToString(), ex.Status.Detail);
            }
        });

    private static BadInputCase Post(string name, string target, string body, string status, string message) =>
        new(name, status, message, s => RawHttp.SendAsync(s.RestPort, "POST", target, Encoding.UTF8.GetBytes(body), [Json]));

    private static BadInputCase Get(string name, string target, string status, string message) =>
        new(name, status, message, s => RawHttp.SendAsync(s.RestPort, "GET", target, []));

    /// <summary>A JSON header, then <paramref name="binaryBytes"/> zero bytes; the length header is the JSON's unless given.</summary>
    private static BadInputCase Binary(string name, string json, int binaryBytes, string? headerLength, string status, string message)
    {
        var header = Encoding.UTF8.GetBytes(json);
        byte[] body = [.. header, .. new byte[binaryBytes]];
        var length = headerLength ?? header.Length.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return new(name, status, message, s => RawHttp.SendAsync(s.RestPort, "POST", Infer, body, ["Content-Type: application/octet-stream", "Inference-Header-Content-Length: " + length]));
    }
}
