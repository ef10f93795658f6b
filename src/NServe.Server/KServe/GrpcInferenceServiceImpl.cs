using Google.Protobuf;
using Grpc.Core;
using NServe.Core.Errors;
using NServe.Core.Tensors;
using V2 = global::Inference;

namespace NServe.Server.KServe;

/// <summary>
/// <c>inference.GRPCInferenceService</c> (KServe v2 / Open Inference Protocol) on the gRPC port.
/// ModelInfer accepts typed <c>contents</c> or <c>raw_input_contents</c> (one entry per input, used in
/// place). It answers in the form the request used: raw_output_contents for a raw request, typed contents
/// otherwise, except that a typed request with an FP16 output gets raw contents for all outputs, since
/// FP16 has no typed field and the spec does not allow mixing the two forms in one response.
/// Errors are ServingExceptions, which the interceptor turns into gRPC statuses.
/// </summary>
public sealed class GrpcInferenceServiceImpl(KServeModels models, KServeReadiness readiness) : V2.GRPCInferenceService.GRPCInferenceServiceBase
{
    public override Task<V2.ServerLiveResponse> ServerLive(V2.ServerLiveRequest request, ServerCallContext context) =>
        Task.FromResult(new V2.ServerLiveResponse { Live = true });

    public override Task<V2.ServerReadyResponse> ServerReady(V2.ServerReadyRequest request, ServerCallContext context) =>
        Task.FromResult(new V2.ServerReadyResponse { Ready = readiness.IsServerReady() });

    public override Task<V2.ModelReadyResponse> ModelReady(V2.ModelReadyRequest request, ServerCallContext context) =>
        Task.FromResult(new V2.ModelReadyResponse { Ready = readiness.IsModelReady(request.Name, request.Version) });

    public override Task<V2.ServerMetadataResponse> ServerMetadata(V2.ServerMetadataRequest request, ServerCallContext context)
    {
        var response = new V2.ServerMetadataResponse { Name = KServeServerInfo.Name, Version = KServeServerInfo.Version };
        response.Extensions.AddRange(KServeServerInfo.Extensions);
        return Task.FromResult(response);
    }

    public override Task<V2.ModelMetadataResponse> ModelMetadata(V2.ModelMetadataRequest request, ServerCallContext context)
    {
        var metadata = models.GetMetadata(request.Name, request.Version);
        var response = new V2.ModelMetadataResponse { Name = metadata.Name, Platform = metadata.Platform };
        response.Versions.AddRange(metadata.Versions);
        response.Inputs.AddRange(metadata.Inputs.Select(ToProto));
        response.Outputs.AddRange(metadata.Outputs.Select(ToProto));
        return Task.FromResult(response);
    }

    public override async Task<V2.ModelInferResponse> ModelInfer(V2.ModelInferRequest request, ServerCallContext context)
    {
        using var handle = models.GetHandle(request.ModelName, request.ModelVersion);
        using var decoded = Decode(request);
        KServeInferResult result;
        try
        {
            result = await KServeInferenceRunner.RunAsync(handle, decoded, context.CancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.Deadline <= DateTime.UtcNow)
        {
            throw new ServingException(NServe.Core.Errors.StatusCode.DeadlineExceeded, "Deadline exceeded");
        }

        using (result)
        {
            var response = new V2.ModelInferResponse
            {
                ModelName = result.Servable.Name,
                ModelVersion = KServeVersion.Format(result.Servable.Version),
                Id = request.Id,
            };
            var raw = request.RawInputContents.Count > 0 || result.Outputs.Any(o => !GrpcTensorContents.HasTypedField(o.Tensor.DataType));
            foreach (var output in result.Outputs)
            {
                var tensor = output.Tensor;
                var proto = new V2.ModelInferResponse.Types.InferOutputTensor
                {
                    Name = output.Name,
                    Datatype = KServeDataTypes.Name(tensor.DataType),
                };
                proto.Shape.AddRange(tensor.Shape);
                if (raw)
                {
                    // The tensor is freed before the response is serialized, so the bytes are copied once here.
                    var bytes = new byte[KServeRawTensor.EncodedLength(tensor)];
                    KServeRawTensor.Encode(tensor, bytes);
                    response.RawOutputContents.Add(UnsafeByteOperations.UnsafeWrap(bytes));
                }
                else
                {
                    proto.Contents = GrpcTensorContents.FromTensor(tensor);
                }

                response.Outputs.Add(proto);
            }

            return response;
        }
    }

    /// <summary>The request's parameters, inputs (raw or typed) and requested outputs as a <see cref="KServeInferRequest"/>.</summary>
    internal static KServeInferRequest Decode(V2.ModelInferRequest request)
    {
        var decoded = new KServeInferRequest { Id = request.Id };
        try
        {
            if (request.Parameters.TryGetValue(KServeParameters.SignatureNameText, out var signature))
            {
                decoded.SignatureName = signature.ParameterChoiceCase == V2.InferParameter.ParameterChoiceOneofCase.StringParam
                    ? signature.StringParam
                    : throw ServingException.InvalidArgument("parameter 'signature_name' must be a string_param");
            }

            var raw = request.RawInputContents;
            if (raw.Count > 0 && raw.Count != request.Inputs.Count)
            {
                throw ServingException.InvalidArgument(
                    $"raw_input_contents has {raw.Count} entries for {request.Inputs.Count} inputs; it needs one per input, in order");
            }

            for (var i = 0; i < request.Inputs.Count; i++)
            {
                var input = request.Inputs[i];
                var name = input.Name;
                var type = KServeDataTypes.Parse(input.Datatype, name);
                var shape = input.Shape.ToArray();
                Tensor tensor;
                if (raw.Count > 0)
                {
                    if (GrpcTensorContents.HasElements(input.Contents))
                    {
                        throw ServingException.InvalidArgument(
                            $"input '{name}' has contents, but the request uses raw_input_contents; use one form for all inputs");
                    }

                    tensor = KServeRawTensor.Borrow(name, type, shape, raw[i].Memory);
                }
                else
                {
                    tensor = GrpcTensorContents.ToTensor(name, type, shape, input.Contents);
                }

                decoded.Inputs.Add(new(name, tensor));
            }

            foreach (var output in request.Outputs)
            {
                if (output.Parameters.ContainsKey("classification"))
                {
                    throw ServingException.InvalidArgument(
                        $"output '{output.Name}': the classification extension is not supported; request the output itself");
                }

                decoded.Outputs.Add(new KServeRequestedOutput(output.Name, null));
            }

            return decoded;
        }
        catch
        {
            decoded.Dispose();
            throw;
        }
    }

    private static V2.ModelMetadataResponse.Types.TensorMetadata ToProto(KServeTensorMetadata tensor)
    {
        var proto = new V2.ModelMetadataResponse.Types.TensorMetadata { Name = tensor.Name, Datatype = tensor.DataType };
        proto.Shape.AddRange(tensor.Shape);
        return proto;
    }
}
