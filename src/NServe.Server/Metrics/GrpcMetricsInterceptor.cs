using System.Diagnostics;
using Grpc.Core;
using Grpc.Core.Interceptors;
using NServe.Core.Errors;
using Tensorflow.Serving;
using V2 = global::Inference;

namespace NServe.Server.Metrics;

/// <summary>
/// Records request_count and request_latency (entrypoint <c>GRPC</c>) for the gRPC calls TF Serving
/// records: Predict, Classify and Regress, plus KServe's ModelInfer. Other calls (metadata, status,
/// reload, health) pass through untouched, as in TF Serving.
/// </summary>
public sealed class GrpcMetricsInterceptor(ServingMetrics metrics) : Interceptor
{
    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request,
        ServerCallContext context,
        UnaryServerMethod<TRequest, TResponse> continuation)
    {
        var (model, api) = request switch
        {
            PredictRequest predict => (predict.ModelSpec?.Name ?? "", "Predict"),
            ClassificationRequest classify => (classify.ModelSpec?.Name ?? "", "Classify"),
            RegressionRequest regress => (regress.ModelSpec?.Name ?? "", "Regress"),
            V2.ModelInferRequest infer => (infer.ModelName, "ModelInfer"),
            _ => (null, null),
        };
        return api is null ? continuation(request, context) : MeasureAsync(request, context, continuation, model!, api);
    }

    private async Task<TResponse> MeasureAsync<TRequest, TResponse>(
        TRequest request,
        ServerCallContext context,
        UnaryServerMethod<TRequest, TResponse> continuation,
        string model,
        string api)
        where TRequest : class
        where TResponse : class
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var response = await continuation(request, context).ConfigureAwait(false);
            metrics.RecordRequest(model, api, ServingMetrics.GrpcEntrypoint, NServe.Core.Errors.StatusCode.Ok, started);
            return response;
        }
        catch (Exception ex)
        {
            metrics.RecordRequest(model, api, ServingMetrics.GrpcEntrypoint, CodeOf(ex), started);
            throw;
        }
    }

    /// <summary>The status the client gets for <paramref name="ex"/>.</summary>
    internal static NServe.Core.Errors.StatusCode CodeOf(Exception ex) => ex switch
    {
        ServingException serving => serving.Code,
        RpcException rpc => (NServe.Core.Errors.StatusCode)(int)rpc.StatusCode,
        OperationCanceledException => NServe.Core.Errors.StatusCode.Cancelled,
        _ => NServe.Core.Errors.StatusCode.Unknown,
    };
}
