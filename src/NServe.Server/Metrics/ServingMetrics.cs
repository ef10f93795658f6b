using NServe.Core.Errors;
using NServe.Server.Rest;
using NServe.Server.Rest.Json;

namespace NServe.Server.Metrics;

/// <summary>
/// TF Serving's request metrics under its own names, labels and buckets (behaviour.md §5), so dashboards
/// built for TF Serving read NServe unchanged. Latencies are in microseconds.
/// </summary>
public sealed class ServingMetrics
{
    /// <summary>The <c>entrypoint</c> label of requests that came over REST.</summary>
    public const string RestEntrypoint = "REST";

    /// <summary>The <c>entrypoint</c> label of requests that came over gRPC.</summary>
    public const string GrpcEntrypoint = "GRPC";

    /// <summary>
    /// The <c>runtime</c> label of runtime_latency. TF Serving writes <c>TF1</c> for its session runtime;
    /// NServe runs every model on ONNX Runtime and says so.
    /// </summary>
    public const string Runtime = "ORT";

    public ServingMetrics(MetricRegistry registry)
    {
        var latencyBuckets = HistogramBuckets.Exponential(10, 1.8, 33);
        RequestCount = registry.Register(new CounterFamily(
            ":tensorflow:serving:request_count",
            "The total number of requests.",
            ["model_name", "status"]));
        RequestLatency = registry.Register(new HistogramFamily(
            ":tensorflow:serving:request_latency",
            "Distribution of wall time (in microseconds) for Tensorflow Serving request.",
            ["model_name", "API", "entrypoint"],
            latencyBuckets));
        RuntimeLatency = registry.Register(new HistogramFamily(
            ":tensorflow:serving:runtime_latency",
            "Distribution of wall time (in microseconds) for Tensorflow Runtime.",
            ["model_name", "API", "runtime"],
            latencyBuckets));
        ModelWarmupLatency = registry.Register(new HistogramFamily(
            ":tensorflow:serving:model_warmup_latency",
            "Distribution of wall time (in microseconds) for warming up the model.",
            ["model_path", "status"],
            latencyBuckets));
    }

    public CounterFamily RequestCount { get; }

    public HistogramFamily RequestLatency { get; }

    public HistogramFamily RuntimeLatency { get; }

    public HistogramFamily ModelWarmupLatency { get; }

    /// <summary>
    /// One finished request: request_count{model_name, status} always, request_latency{model_name, API,
    /// entrypoint} only when it succeeded, as TF Serving records them.
    /// </summary>
    /// <param name="startTimestamp">When the request started, from <see cref="System.Diagnostics.Stopwatch.GetTimestamp"/>.</param>
    public void RecordRequest(string modelName, string api, string entrypoint, StatusCode status, long startTimestamp)
    {
        RequestCount.WithLabels(new LabelValues(modelName, TfNames.StatusCode(status))).Increment();
        if (status == StatusCode.Ok)
        {
            RequestLatency.WithLabels(new LabelValues(modelName, api, entrypoint)).ObserveMicrosecondsSince(startTimestamp);
        }
    }

    /// <summary>
    /// One request handled by the v1 REST API. As in TF Serving, API is the method of a POST
    /// (<c>predict</c>, <c>classify</c>, <c>regress</c>) and empty for GETs; the model name is empty
    /// when the URL did not parse.
    /// </summary>
    public void RecordRestRequest(RestRoute? route, StatusCode status, long startTimestamp)
    {
        var api = route?.Operation switch
        {
            RestOperation.Predict => "predict",
            RestOperation.Classify => "classify",
            RestOperation.Regress => "regress",
            _ => "",
        };
        RecordRequest(route?.ModelName ?? "", api, RestEntrypoint, status, startTimestamp);
    }

    /// <summary>How long the model itself ran for one request (API <c>Predict</c>, <c>Classify</c> or <c>Regress</c>).</summary>
    public void RecordRuntimeLatency(string modelName, string api, long startTimestamp) =>
        RuntimeLatency.WithLabels(new LabelValues(modelName, api, Runtime)).ObserveMicrosecondsSince(startTimestamp);

    /// <summary>How long warming up the version at <paramref name="modelPath"/> took, and how it ended.</summary>
    public void RecordWarmupLatency(string modelPath, StatusCode status, TimeSpan elapsed) =>
        ModelWarmupLatency.WithLabels(new LabelValues(modelPath, TfNames.StatusCode(status)))
            .Observe(elapsed.Ticks / (double)TimeSpan.TicksPerMicrosecond);
}
