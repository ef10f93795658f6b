using System.Diagnostics;
using NServe.Core.Errors;
using NServe.Server.Metrics;
using NServe.Server.Rest;

namespace NServe.Server.Tests.Metrics;

public sealed class ServingMetricsTests
{
    private readonly ServingMetrics _metrics = new(new MetricRegistry());

    [Fact]
    public void SuccessCountsAndTimesTheRequest()
    {
        var started = Stopwatch.GetTimestamp() - Stopwatch.Frequency / 1000; // 1 ms ago
        _metrics.RecordRequest("m", "Predict", ServingMetrics.GrpcEntrypoint, StatusCode.Ok, started);

        Assert.Equal(1, _metrics.RequestCount.WithLabels(new LabelValues("m", "OK")).Value);
        var latency = _metrics.RequestLatency.WithLabels(new LabelValues("m", "Predict", "GRPC"));
        Assert.Equal(1, latency.BucketCounts().Sum());
        Assert.InRange(latency.Sum, 1000, 60_000_000); // microseconds
        Assert.Equal(0, latency.BucketCounts()[0]); // 1 ms is above the 10 µs bucket
    }

    [Fact]
    public void FailureIsCountedUnderItsCodeNameButNotTimed()
    {
        _metrics.RecordRequest("m", "predict", ServingMetrics.RestEntrypoint, StatusCode.NotFound, Stopwatch.GetTimestamp());
        _metrics.RecordRequest("m", "predict", ServingMetrics.RestEntrypoint, StatusCode.InvalidArgument, Stopwatch.GetTimestamp());

        Assert.Equal(1, _metrics.RequestCount.WithLabels(new LabelValues("m", "NOT_FOUND")).Value);
        Assert.Equal(1, _metrics.RequestCount.WithLabels(new LabelValues("m", "INVALID_ARGUMENT")).Value);
        Assert.DoesNotContain("request_latency_bucket", new MetricRegistryPage(_metrics).Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("POST", "/v1/models/m:predict", "m", "predict")]
    [InlineData("POST", "/v1/models/m/versions/2:regress", "m", "regress")]
    [InlineData("POST", "/v1/models/m/labels/x:classify", "m", "classify")]
    [InlineData("GET", "/v1/models/m", "m", "")]
    [InlineData("GET", "/v1/models/m/metadata", "m", "")]
    public void RestRequestsUseTheMethodStringAsApi(string method, string target, string model, string api)
    {
        _metrics.RecordRestRequest(RestRoute.Parse(method, target), StatusCode.Ok, Stopwatch.GetTimestamp());
        Assert.Equal(1, _metrics.RequestLatency.WithLabels(new LabelValues(model, api, "REST")).BucketCounts().Sum());
        Assert.Equal(1, _metrics.RequestCount.WithLabels(new LabelValues(model, "OK")).Value);
    }

    [Fact]
    public void UnparsedRestRequestHasAnEmptyModelName()
    {
        _metrics.RecordRestRequest(null, StatusCode.InvalidArgument, Stopwatch.GetTimestamp());
        Assert.Equal(1, _metrics.RequestCount.WithLabels(new LabelValues("", "INVALID_ARGUMENT")).Value);
    }

    [Fact]
    public void RuntimeLatencySaysTheRuntimeIsOnnxRuntime()
    {
        _metrics.RecordRuntimeLatency("m", "Predict", Stopwatch.GetTimestamp());
        Assert.Equal(1, _metrics.RuntimeLatency.WithLabels(new LabelValues("m", "Predict", "ORT")).BucketCounts().Sum());
    }

    [Fact]
    public void WarmupLatencyIsInMicroseconds()
    {
        _metrics.RecordWarmupLatency("/models/m/1", StatusCode.Ok, TimeSpan.FromMilliseconds(2));
        Assert.Equal(2000, _metrics.ModelWarmupLatency.WithLabels(new LabelValues("/models/m/1", "OK")).Sum);
    }

    [Fact]
    public void RecordingIntoAnExistingSeriesAllocatesNothing()
    {
        var model = new string('m', 3);
        _metrics.RecordRequest(model, "Predict", ServingMetrics.GrpcEntrypoint, StatusCode.Ok, Stopwatch.GetTimestamp());
        _metrics.RecordRuntimeLatency(model, "Predict", Stopwatch.GetTimestamp());

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            _metrics.RecordRequest(model, "Predict", ServingMetrics.GrpcEntrypoint, StatusCode.Ok, Stopwatch.GetTimestamp());
            _metrics.RecordRuntimeLatency(model, "Predict", Stopwatch.GetTimestamp());
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(1001, _metrics.RequestCount.WithLabels(new LabelValues("mmm", "OK")).Value);
    }

    /// <summary>The page of a registry holding only these metrics.</summary>
    private sealed class MetricRegistryPage(ServingMetrics metrics)
    {
        public string Text
        {
            get
            {
                var text = new System.Text.StringBuilder();
                var writer = new PrometheusTextWriter(text);
                metrics.RequestCount.WriteTo(writer);
                metrics.RequestLatency.WriteTo(writer);
                return text.ToString();
            }
        }
    }
}
