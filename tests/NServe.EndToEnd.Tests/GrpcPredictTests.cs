using Google.Protobuf;
using Grpc.Core;
using NServe.EndToEnd.Tests.Infrastructure;
using Tensorflow;
using Tensorflow.Serving;

namespace NServe.EndToEnd.Tests;

/// <summary>The tensorflow.serving gRPC API on the demo model, through the real server and a real gRPC client.</summary>
public sealed class GrpcPredictTests(HalfPlusTwoServer fixture) : IClassFixture<HalfPlusTwoServer>
{
    private PredictionService.PredictionServiceClient Prediction => new(fixture.Server.Channel);

    private ModelService.ModelServiceClient Models => new(fixture.Server.Channel);

    internal static PredictRequest HalfPlusTwoRequest(string model, float x)
    {
        var request = new PredictRequest { ModelSpec = new ModelSpec { Name = model } };
        var tensor = new TensorProto { Dtype = DataType.DtFloat, TensorShape = new TensorShapeProto() };
        tensor.TensorShape.Dim.Add(new TensorShapeProto.Types.Dim { Size = 1 });
        tensor.FloatVal.Add(x);
        request.Inputs.Add("x", tensor);
        return request;
    }

    [Fact]
    public async Task PredictAnswersTypedFloatsAndTheResolvedModelSpec()
    {
        var response = await Prediction.PredictAsync(HalfPlusTwoRequest("half_plus_two", 2.0f));

        var y = response.Outputs["y"];
        Assert.Equal(DataType.DtFloat, y.Dtype);
        Assert.Equal([3.0f], y.FloatVal);
        Assert.True(y.TensorContent.IsEmpty);
        Assert.Equal("half_plus_two", response.ModelSpec.Name);
        Assert.Equal("serving_default", response.ModelSpec.SignatureName);
        Assert.Equal(1L, response.ModelSpec.Version);
    }

    [Fact]
    public async Task TensorContentInputsAndOutputFilterAreHonoured()
    {
        var request = new PredictRequest { ModelSpec = new ModelSpec { Name = "half_plus_two", SignatureName = "serving_default", Version = 1 } };
        var tensor = new TensorProto { Dtype = DataType.DtFloat, TensorShape = new TensorShapeProto() };
        tensor.TensorShape.Dim.Add(new TensorShapeProto.Types.Dim { Size = 2 });
        tensor.TensorContent = ByteString.CopyFrom(BitConverter.GetBytes(4.0f).Concat(BitConverter.GetBytes(6.0f)).ToArray());
        request.Inputs.Add("x", tensor);
        request.OutputFilter.Add("y");

        var response = await Prediction.PredictAsync(request);
        Assert.Equal([4.0f, 5.0f], response.Outputs["y"].FloatVal);
        Assert.Equal(2, response.Outputs["y"].TensorShape.Dim[0].Size);
    }

    [Fact]
    public async Task UnknownModelIsNotFoundAsTfServingSaysIt()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => Prediction.PredictAsync(HalfPlusTwoRequest("intentionally_missing_model", 1)).ResponseAsync);
        Assert.Equal(Grpc.Core.StatusCode.NotFound, error.StatusCode);
        Assert.Equal("Servable not found for request: Latest(intentionally_missing_model)", error.Status.Detail);
    }

    [Fact]
    public async Task BadRequestsGetTheRightCodes()
    {
        var wrongSignature = HalfPlusTwoRequest("half_plus_two", 1);
        wrongSignature.ModelSpec.SignatureName = "nope";
        var signatureError = await Assert.ThrowsAsync<RpcException>(() => Prediction.PredictAsync(wrongSignature).ResponseAsync);
        Assert.Equal(Grpc.Core.StatusCode.FailedPrecondition, signatureError.StatusCode);
        Assert.Equal("Serving signature key \"nope\" not found.", signatureError.Status.Detail);

        var wrongFilter = HalfPlusTwoRequest("half_plus_two", 1);
        wrongFilter.OutputFilter.Add("z");
        var filterError = await Assert.ThrowsAsync<RpcException>(() => Prediction.PredictAsync(wrongFilter).ResponseAsync);
        Assert.Equal(Grpc.Core.StatusCode.InvalidArgument, filterError.StatusCode);
        Assert.Contains("output tensor alias not found in signature: z", filterError.Status.Detail);

        var wrongInput = HalfPlusTwoRequest("half_plus_two", 1);
        wrongInput.Inputs.Add("extra", wrongInput.Inputs["x"]);
        var inputError = await Assert.ThrowsAsync<RpcException>(() => Prediction.PredictAsync(wrongInput).ResponseAsync);
        Assert.Equal(Grpc.Core.StatusCode.InvalidArgument, inputError.StatusCode);
        Assert.StartsWith("input size does not match signature: 2!=1", inputError.Status.Detail);

        var wrongType = HalfPlusTwoRequest("half_plus_two", 1);
        wrongType.Inputs["x"] = new TensorProto { Dtype = DataType.DtInt32, TensorShape = wrongType.Inputs["x"].TensorShape, IntVal = { 1 } };
        var typeError = await Assert.ThrowsAsync<RpcException>(() => Prediction.PredictAsync(wrongType).ResponseAsync);
        Assert.Equal(Grpc.Core.StatusCode.InvalidArgument, typeError.StatusCode);

        var response = await Prediction.PredictAsync(HalfPlusTwoRequest("half_plus_two", 2.0f));
        Assert.Equal([3.0f], response.Outputs["y"].FloatVal);
    }

    [Fact]
    public async Task MetadataPacksTheSignatureDefMap()
    {
        var request = new GetModelMetadataRequest { ModelSpec = new ModelSpec { Name = "half_plus_two" } };
        request.MetadataField.Add("signature_def");
        var response = await Prediction.GetModelMetadataAsync(request);

        Assert.Equal("half_plus_two", response.ModelSpec.Name);
        Assert.Equal(1L, response.ModelSpec.Version);
        var map = response.Metadata["signature_def"].Unpack<SignatureDefMap>();
        var signature = map.SignatureDef["serving_default"];
        Assert.Equal("tensorflow/serving/predict", signature.MethodName);
        Assert.Equal(DataType.DtFloat, signature.Inputs["x"].Dtype);
        Assert.Equal(-1, signature.Inputs["x"].TensorShape.Dim[0].Size);

        var noField = new GetModelMetadataRequest { ModelSpec = new ModelSpec { Name = "half_plus_two" } };
        var error = await Assert.ThrowsAsync<RpcException>(() => Prediction.GetModelMetadataAsync(noField).ResponseAsync);
        Assert.Equal("GetModelMetadataRequest must specify at least one metadata_field", error.Status.Detail);
    }

    [Fact]
    public async Task ModelStatusReportsAvailable()
    {
        var response = await Models.GetModelStatusAsync(new GetModelStatusRequest { ModelSpec = new ModelSpec { Name = "half_plus_two" } });
        var status = Assert.Single(response.ModelVersionStatus);
        Assert.Equal(1, status.Version);
        Assert.Equal(ModelVersionStatus.Types.State.Available, status.State);
        Assert.Equal(Tensorflow.Error.Code.Ok, status.Status.ErrorCode);
    }

    [Fact]
    public async Task ClassifyOnAPredictSignatureSaysItHasNoClassificationInputs()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => Prediction.ClassifyAsync(new ClassificationRequest { ModelSpec = new ModelSpec { Name = "half_plus_two" } }).ResponseAsync);
        Assert.Equal(Grpc.Core.StatusCode.InvalidArgument, error.StatusCode);
        Assert.StartsWith("No classification inputs found in SignatureDef: ", error.Status.Detail, StringComparison.Ordinal);
    }
}
