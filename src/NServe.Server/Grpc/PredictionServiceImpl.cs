using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using NServe.Core.Errors;
using NServe.Core.Inference;
using NServe.Core.Management;
using NServe.Core.Servables;
using NServe.Core.Tensors;
using NServe.Server.Limits;
using NServe.Server.Metrics;
using NServe.Server.Serving;
using NServe.Server.Tracing;
using Tensorflow.Serving;

namespace NServe.Server.Grpc;

/// <summary><c>tensorflow.serving.PredictionService</c>: Predict, Classify, Regress, MultiInference and GetModelMetadata.</summary>
public sealed class PredictionServiceImpl(
    ServableManager manager,
    GrpcApiOptions options,
    ServingMetrics? metrics = null,
    ExampleInference? examples = null,
    RequestLogRecorder? requestLog = null) : PredictionService.PredictionServiceBase
{
    private readonly GrpcClassifyRegress _classifyRegress = new(manager, examples ?? new ExampleInference(), metrics, requestLog);

    public override async Task<PredictResponse> Predict(PredictRequest request, ServerCallContext context)
    {
        using var handle = manager.GetHandle(ModelSpecs.ToRequest(request.ModelSpec));
        var servable = handle.Servable;
        var key = string.IsNullOrEmpty(request.ModelSpec.SignatureName) ? Signature.DefaultKey : request.ModelSpec.SignatureName;
        if (!servable.Signatures.TryGetValue(key, out var signature))
        {
            throw ServingException.FailedPrecondition($"Serving signature key \"{key}\" not found.");
        }

        PredictValidation.CheckInputs(signature, request.Inputs.Keys.ToList());
        var wanted = PredictValidation.ResolveOutputs(signature, request.OutputFilter);

        var inputs = new Dictionary<string, Tensor>(request.Inputs.Count, StringComparer.Ordinal);
        IReadOnlyDictionary<string, Tensor>? outputs = null;
        try
        {
            using (ServingActivities.Decode(handle.Id.Name))
            {
                foreach (var (alias, proto) in request.Inputs)
                {
                    inputs[alias] = TensorProtoLimits.ToTensor(alias, proto, options.MaxTensorElements);
                }
            }

            try
            {
                using var run = ServingActivities.Run(handle.Id.Name, handle.Id.Version, key);
                var runStarted = System.Diagnostics.Stopwatch.GetTimestamp();
                outputs = await servable.RunAsync(key, inputs, wanted, context.CancellationToken).ConfigureAwait(false);
                metrics?.RecordRuntimeLatency(handle.Id.Name, "Predict", runStarted);
            }
            catch (OperationCanceledException) when (context.Deadline <= DateTime.UtcNow)
            {
                throw new ServingException(NServe.Core.Errors.StatusCode.DeadlineExceeded, "Deadline exceeded");
            }

            var response = new PredictResponse { ModelSpec = ModelSpecs.Resolved(handle.Id, key) };
            using (ServingActivities.Encode(handle.Id.Name))
            {
                foreach (var alias in wanted)
                {
                    response.Outputs.Add(alias, TensorProtoConverter.ToProto(outputs[alias], options.SerializeAsTensorContent));
                }
            }

            requestLog?.Predict(request, response);
            return response;
        }
        finally
        {
            foreach (var tensor in inputs.Values)
            {
                tensor.Dispose();
            }

            if (outputs is not null)
            {
                foreach (var tensor in outputs.Values)
                {
                    tensor.Dispose();
                }
            }
        }
    }

    public override Task<GetModelMetadataResponse> GetModelMetadata(GetModelMetadataRequest request, ServerCallContext context)
    {
        if (request.ModelSpec is null)
        {
            throw ServingException.InvalidArgument("Missing ModelSpec");
        }

        if (request.MetadataField.Count == 0)
        {
            throw ServingException.InvalidArgument("GetModelMetadataRequest must specify at least one metadata_field");
        }

        foreach (var field in request.MetadataField)
        {
            if (field != "signature_def")
            {
                throw ServingException.InvalidArgument($"Metadata field {field} is not supported");
            }
        }

        using var handle = manager.GetHandle(ModelSpecs.ToRequest(request.ModelSpec));
        var response = new GetModelMetadataResponse
        {
            ModelSpec = new ModelSpec { Name = handle.Id.Name, Version = handle.Id.Version },
        };
        response.Metadata.Add("signature_def", Any.Pack(SignatureDefs.ToSignatureDefMap(handle.Servable)));
        return Task.FromResult(response);
    }

    public override Task<ClassificationResponse> Classify(ClassificationRequest request, ServerCallContext context) =>
        _classifyRegress.ClassifyAsync(request, context);

    public override Task<RegressionResponse> Regress(RegressionRequest request, ServerCallContext context) =>
        _classifyRegress.RegressAsync(request, context);

    public override Task<MultiInferenceResponse> MultiInference(MultiInferenceRequest request, ServerCallContext context) =>
        _classifyRegress.MultiInferenceAsync(request, context);
}
