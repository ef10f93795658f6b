using Grpc.Core;
using NServe.Core.Errors;
using NServe.Core.Inference;
using NServe.Core.Management;
using NServe.Server.Metrics;
using NServe.Server.Serving;
using NServe.Server.Tracing;
using Tensorflow.Serving;

namespace NServe.Server.Grpc;

/// <summary>
/// The Classify, Regress and MultiInference calls of <c>tensorflow.serving.PredictionService</c>: resolve the
/// servable from the model spec, run <see cref="ExampleInference"/>, record latency and the request log.
/// </summary>
public sealed class GrpcClassifyRegress(ServableManager manager, ExampleInference inference, ServingMetrics? metrics = null, RequestLogRecorder? requestLog = null)
{
    public async Task<ClassificationResponse> ClassifyAsync(ClassificationRequest request, ServerCallContext context)
    {
        using var handle = manager.GetHandle(ModelSpecs.ToRequest(request.ModelSpec));
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        ClassificationResponse response;
        using (ServingActivities.Run(handle.Id.Name, handle.Id.Version, ExampleSignatures.Key(request.ModelSpec.SignatureName)))
        {
            response = await WithDeadline(context, inference.ClassifyAsync(handle.Servable, request, context.CancellationToken)).ConfigureAwait(false);
        }

        metrics?.RecordRuntimeLatency(handle.Id.Name, "Classify", started);
        requestLog?.Classify(request, response);
        return response;
    }

    public async Task<RegressionResponse> RegressAsync(RegressionRequest request, ServerCallContext context)
    {
        using var handle = manager.GetHandle(ModelSpecs.ToRequest(request.ModelSpec));
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        RegressionResponse response;
        using (ServingActivities.Run(handle.Id.Name, handle.Id.Version, ExampleSignatures.Key(request.ModelSpec.SignatureName)))
        {
            response = await WithDeadline(context, inference.RegressAsync(handle.Servable, request, context.CancellationToken)).ConfigureAwait(false);
        }

        metrics?.RecordRuntimeLatency(handle.Id.Name, "Regress", started);
        requestLog?.Regress(request, response);
        return response;
    }

    public async Task<MultiInferenceResponse> MultiInferenceAsync(MultiInferenceRequest request, ServerCallContext context)
    {
        using var handle = manager.GetHandle(ModelSpecs.ToRequest(ExampleInference.ModelSpecOf(request)));
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var response = await WithDeadline(context, inference.MultiInferenceAsync(handle.Servable, request, context.CancellationToken)).ConfigureAwait(false);
        metrics?.RecordRuntimeLatency(handle.Id.Name, "MultiInference", started);
        requestLog?.MultiInference(handle.Id.Name, request, response);
        return response;
    }

    private static async Task<T> WithDeadline<T>(ServerCallContext context, Task<T> call)
    {
        try
        {
            return await call.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.Deadline <= DateTime.UtcNow)
        {
            throw new ServingException(NServe.Core.Errors.StatusCode.DeadlineExceeded, "Deadline exceeded");
        }
    }
}
