using Google.Protobuf;
using Grpc.Core;
using Tensorflow;
using Tensorflow.Serving;

namespace NServe.EndToEnd.Tests.BadInput;

/// <summary>Malformed calls to <c>tensorflow.serving</c>'s PredictionService and ModelService, and frames no client would send.</summary>
public static class GrpcCases
{
    private const string PredictMethod = "tensorflow.serving.PredictionService/Predict";

    public static IEnumerable<BadInputCase> All()
    {
        // Model specs.
        yield return Predict("gRPC unknown model", Request("nope", Floats([1], 1f)), "NotFound", "nope");
        yield return Predict("gRPC unknown version", Spec(Request("half_plus_two", Floats([1], 1f)), s => s.Version = 9), "NotFound", "half_plus_two");
        yield return Predict("gRPC unknown label", Spec(Request("half_plus_two", Floats([1], 1f)), s => s.VersionLabel = "nope"), "InvalidArgument", "nope");
        yield return Predict("gRPC no model spec", new PredictRequest { Inputs = { ["x"] = Floats([1], 1f) } }, "InvalidArgument", "");
        yield return Predict("gRPC empty model name", Request("", Floats([1], 1f)), "InvalidArgument", "");
        yield return Predict("gRPC unknown signature", Spec(Request("half_plus_two", Floats([1], 1f)), s => s.SignatureName = "nope"), "FailedPrecondition", "Serving signature key \"nope\" not found.");

        // Inputs and outputs.
        yield return Predict("gRPC missing input", new PredictRequest { ModelSpec = new ModelSpec { Name = "half_plus_two" } }, "InvalidArgument", "");
        yield return Predict("gRPC extra input", Request("half_plus_two", Floats([1], 1f), ("zz", Floats([1], 1f))), "InvalidArgument", "zz");
        yield return Predict("gRPC unknown output filter", new PredictRequest(Request("half_plus_two", Floats([1], 1f))) { OutputFilter = { "zz" } }, "InvalidArgument", "zz");
        yield return Predict("gRPC duplicate output filter", new PredictRequest(Request("half_plus_two", Floats([1], 1f))) { OutputFilter = { "y", "y" } }, "InvalidArgument", "y");
        yield return Predict("gRPC int32 for float", Request("half_plus_two", new TensorProto { Dtype = DataType.DtInt32, TensorShape = Shape(1), IntVal = { 1 } }), "InvalidArgument", "");
        yield return Predict("gRPC rank 2 for rank 1", Request("half_plus_two", Floats([1, 1], 1f)), "InvalidArgument", "");

        // Tensors that declare more than they carry.
        yield return Predict("gRPC tensor_content too short", Request("half_plus_two", new TensorProto { Dtype = DataType.DtFloat, TensorShape = Shape(3), TensorContent = ByteString.CopyFrom(new byte[4]) }), "InvalidArgument", "tensor_content holds 4 bytes");
        yield return Predict("gRPC shape of 10^12, 4 bytes of content", Request("half_plus_two", new TensorProto { Dtype = DataType.DtFloat, TensorShape = Shape(1_000_000_000_000), TensorContent = ByteString.CopyFrom(new byte[4]) }), "InvalidArgument", "--max_tensor_elements");
        yield return Predict("gRPC splat beyond the element limit", Request("half_plus_two", new TensorProto { Dtype = DataType.DtFloat, TensorShape = Shape(BadInputServer.MaxTensorElements + 1), FloatVal = { 1f } }), "InvalidArgument", "--max_tensor_elements");
        yield return Predict("gRPC string splat beyond the element limit", Request("strings", new TensorProto { Dtype = DataType.DtString, TensorShape = Shape(1L << 40), StringVal = { ByteString.CopyFromUtf8("a") } }), "InvalidArgument", "--max_tensor_elements");
        yield return Predict("gRPC string content too short for its count", Request("strings", new TensorProto { Dtype = DataType.DtString, TensorShape = Shape(1_000_000), TensorContent = ByteString.CopyFrom(new byte[4]) }), "InvalidArgument", "too few");
        yield return Predict("gRPC string content bad length prefix", Request("strings", new TensorProto { Dtype = DataType.DtString, TensorShape = Shape(1), TensorContent = ByteString.CopyFrom([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]) }), "InvalidArgument", "malformed length prefix");
        yield return Predict("gRPC string content length beyond the bytes", Request("strings", new TensorProto { Dtype = DataType.DtString, TensorShape = Shape(1), TensorContent = ByteString.CopyFrom([0x7F, 0x41]) }), "InvalidArgument", "declares 127 bytes");
        yield return Predict("gRPC shape overflowing int64", Request("half_plus_two", new TensorProto { Dtype = DataType.DtFloat, TensorShape = Shape(1L << 62, 1L << 62), FloatVal = { 1f } }), "InvalidArgument", "more elements than fit in int64");
        yield return Predict("gRPC negative dimension", Request("half_plus_two", new TensorProto { Dtype = DataType.DtFloat, TensorShape = Shape(-5), FloatVal = { 1f } }), "InvalidArgument", "dimension -5");
        yield return Predict("gRPC unknown rank", Request("half_plus_two", new TensorProto { Dtype = DataType.DtFloat, TensorShape = new TensorShapeProto { UnknownRank = true }, FloatVal = { 1f } }), "InvalidArgument", "unknown rank");
        yield return Predict("gRPC DT_INVALID", Request("half_plus_two", new TensorProto { TensorShape = Shape(1), FloatVal = { 1f } }), "InvalidArgument", "DT_INVALID");
        yield return Predict("gRPC DT_COMPLEX64", Request("half_plus_two", new TensorProto { Dtype = DataType.DtComplex64, TensorShape = Shape(1), ScomplexVal = { 1f, 0f } }), "InvalidArgument", "DT_COMPLEX64");
        yield return Predict("gRPC dtype number 999", Request("half_plus_two", new TensorProto { Dtype = (DataType)999, TensorShape = Shape(1), FloatVal = { 1f } }), "InvalidArgument", "999");

        // Metadata and status.
        yield return Call("gRPC metadata unknown model", c => new PredictionService.PredictionServiceClient(c).GetModelMetadataAsync(new GetModelMetadataRequest { ModelSpec = new ModelSpec { Name = "nope" }, MetadataField = { "signature_def" } }).ResponseAsync, "NotFound", "nope");
        yield return Call("gRPC metadata without a field", c => new PredictionService.PredictionServiceClient(c).GetModelMetadataAsync(new GetModelMetadataRequest { ModelSpec = new ModelSpec { Name = "half_plus_two" } }).ResponseAsync, "InvalidArgument", "metadata_field");
        yield return Call("gRPC metadata unknown field", c => new PredictionService.PredictionServiceClient(c).GetModelMetadataAsync(new GetModelMetadataRequest { ModelSpec = new ModelSpec { Name = "half_plus_two" }, MetadataField = { "zz" } }).ResponseAsync, "InvalidArgument", "zz");
        yield return Call("gRPC metadata without a spec", c => new PredictionService.PredictionServiceClient(c).GetModelMetadataAsync(new GetModelMetadataRequest { MetadataField = { "signature_def" } }).ResponseAsync, "InvalidArgument", "Missing ModelSpec");
        yield return Call("gRPC status unknown model", c => new ModelService.ModelServiceClient(c).GetModelStatusAsync(new GetModelStatusRequest { ModelSpec = new ModelSpec { Name = "nope" } }).ResponseAsync, "NotFound", "nope");
        yield return Call("gRPC status unknown version", c => new ModelService.ModelServiceClient(c).GetModelStatusAsync(new GetModelStatusRequest { ModelSpec = new ModelSpec { Name = "half_plus_two", Version = 9 } }).ResponseAsync, "NotFound", "");

        // Sizes and frames.
        yield return Predict("gRPC message over the receive limit", Request("half_plus_two", new TensorProto { Dtype = DataType.DtFloat, TensorShape = Shape(9 << 20), TensorContent = ByteString.CopyFrom(new byte[36 << 20]) }), "ResourceExhausted", "");
        yield return RawFrame("gRPC frame longer than its bytes", RawGrpc.Frame(new byte[10], declaredLength: 100), "Internal", "");
        // Grpc.AspNetCore parses the message before any interceptor runs, so its own answer stands (UNKNOWN;
        // gRPC C++ says INTERNAL). The server is unharmed, which is what this row proves.
        yield return RawFrame("gRPC bytes that are not a PredictRequest", RawGrpc.Frame([0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x12]), "Unknown", "Exception was thrown by handler.");
        yield return RawFrame("gRPC compressed flag without an encoding", RawGrpc.Frame(Request("half_plus_two", Floats([1], 1f)).ToByteArray(), compressed: true), "Internal", "");
        yield return RawFrame("gRPC frame header cut short", [0x00, 0x00, 0x00], "Internal", "");
        yield return new BadInputCase("gRPC unknown method", "Unimplemented", "", s => RawGrpc.CallAsync(s.GrpcPort, "tensorflow.serving.PredictionService/Explode", RawGrpc.Frame([])));
    }

    private static TensorShapeProto Shape(params long[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var dim in dims)
        {
            shape.Dim.Add(new TensorShapeProto.Types.Dim { Size = dim });
        }

        return shape;
    }

    private static TensorProto Floats(long[] shape, params float[] values) =>
        new() { Dtype = DataType.DtFloat, TensorShape = Shape(shape), FloatVal = { values } };

    private static PredictRequest Request(string model, TensorProto x, params (string Alias, TensorProto Tensor)[] more)
    {
        var request = new PredictRequest { ModelSpec = new ModelSpec { Name = model }, Inputs = { ["x"] = x } };
        foreach (var (alias, tensor) in more)
        {
            request.Inputs[alias] = tensor;
        }

        return request;
    }

    private static PredictRequest Spec(PredictRequest request, Action<ModelSpec> change)
    {
        change(request.ModelSpec);
        return request;
    }

    private static BadInputCase Predict(string name, PredictRequest request, string status, string message) =>
        Call(name, c => new PredictionService.PredictionServiceClient(c).PredictAsync(request).ResponseAsync, status, message);

    private static BadInputCase Call<T>(string name, Func<Grpc.Net.Client.GrpcChannel, Task<T>> call, string status, string message) =>
        new(name, status, message, async s =>
        {
            try
            {
                await call(s.Process.Channel);
                return new BadInputAnswer("OK", "");
            }
            catch (RpcException ex)
            {
                return new BadInputAnswer(ex.StatusCode.ToString(), ex.Status.Detail);
            }
        });

    private static BadInputCase RawFrame(string name, byte[] body, string status, string message) =>
        new(name, status, message, s => RawGrpc.CallAsync(s.GrpcPort, PredictMethod, body));
}
