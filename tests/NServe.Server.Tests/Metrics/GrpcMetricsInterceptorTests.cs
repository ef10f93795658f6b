using Grpc.Core;
using NServe.Core.Errors;
using NServe.Server.Metrics;
using Tensorflow.Serving;

namespace NServe.Server.Tests.Metrics;

public sealed class GrpcMetricsInterceptorTests
{
    private readonly ServingMetrics _metrics = new(new MetricRegistry());
    private readonly GrpcMetricsInterceptor _interceptor;

    public GrpcMetricsInterceptorTests() => _interceptor = new GrpcMetricsInterceptor(_metrics);

    [Fact]
    public async Task SuccessfulPredictIsCountedAndTimed()
    {
        var request = new PredictRequest { ModelSpec = new ModelSpec { Name = "m" } };
        await _interceptor.UnaryServerHandler(request, Context("Predict"), (_, _) => Task.FromResult(new PredictResponse()));

        Assert.Equal(1, _metrics.RequestCount.WithLabels(new LabelValues("m", "OK")).Value);
        Assert.Equal(1, _metrics.RequestLatency.WithLabels(new LabelValues("m", "Predict", "GRPC")).BucketCounts().Sum());
    }

    [Fact]
    public async Task FailedPredictIsCountedUnderItsCode()
    {
        var request = new PredictRequest { ModelSpec = new ModelSpec { Name = "m" } };
        await Assert.ThrowsAsync<ServingException>(() => _interceptor.UnaryServerHandler<PredictRequest, PredictResponse>(
            request, Context("Predict"), (_, _) => throw ServingException.NotFound("Servable not found")));
        await Assert.ThrowsAsync<RpcException>(() => _interceptor.UnaryServerHandler<PredictRequest, PredictResponse>(
            request, Context("Predict"), (_, _) => throw new RpcException(new Status(global::Grpc.Core.StatusCode.Unauthenticated, "no token"))));

        Assert.Equal(1, _metrics.RequestCount.WithLabels(new LabelValues("m", "NOT_FOUND")).Value);
        Assert.Equal(1, _metrics.RequestCount.WithLabels(new LabelValues("m", "UNAUTHENTICATED")).Value);
        Assert.Equal(0, _metrics.RequestLatency.WithLabels(new LabelValues("m", "Predict", "GRPC")).BucketCounts().Sum());
    }

    [Fact]
    public async Task KServeInferIsCountedWithItsModelName()
    {
        var request = new Inference.ModelInferRequest { ModelName = "k" };
        await _interceptor.UnaryServerHandler(request, Context("ModelInfer"), (_, _) => Task.FromResult(new Inference.ModelInferResponse()));
        Assert.Equal(1, _metrics.RequestLatency.WithLabels(new LabelValues("k", "ModelInfer", "GRPC")).BucketCounts().Sum());
    }

    [Fact]
    public async Task MetadataCallsAreNotCountedAsInTfServing()
    {
        var request = new GetModelMetadataRequest { ModelSpec = new ModelSpec { Name = "m" } };
        await _interceptor.UnaryServerHandler(request, Context("GetModelMetadata"), (_, _) => Task.FromResult(new GetModelMetadataResponse()));
        Assert.Equal(0, _metrics.RequestCount.WithLabels(new LabelValues("m", "OK")).Value);
    }

    private static TestCallContext Context(string method) => new($"/tensorflow.serving.PredictionService/{method}");
}
