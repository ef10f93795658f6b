using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using NServe.Core.Errors;
using NServe.Server.Metrics;

namespace NServe.Server.Tests.Metrics;

public sealed class PrometheusEndpointTests : IDisposable
{
    private readonly ServerMetrics _metrics = new();

    public PrometheusEndpointTests() => _metrics.ServePage(MonitoringConfigFile.DefaultPath);

    public void Dispose() => _metrics.Dispose();

    [Fact]
    public async Task PageHasTfServingsMetricsAndTheRuntimeMetricsAsPlainText()
    {
        _metrics.Serving.RecordRequest("m", "predict", ServingMetrics.RestEntrypoint, StatusCode.Ok, System.Diagnostics.Stopwatch.GetTimestamp());

        var (status, contentType, body) = await Get("/monitoring/prometheus/metrics");

        Assert.Equal(200, status);
        Assert.StartsWith("text/plain", contentType, StringComparison.Ordinal);
        Assert.Contains("# TYPE :tensorflow:serving:request_count counter\n", body, StringComparison.Ordinal);
        Assert.Contains(":tensorflow:serving:request_count{model_name=\"m\",status=\"OK\"} 1\n", body, StringComparison.Ordinal);
        Assert.Contains(":tensorflow:serving:request_latency_count{model_name=\"m\",API=\"predict\",entrypoint=\"REST\"} 1\n", body, StringComparison.Ordinal);
        Assert.Contains("# TYPE :tensorflow:serving:batching_session:queuing_latency histogram\n", body, StringComparison.Ordinal);
        Assert.Contains("# TYPE nserve_model_load_failures_total counter\n", body, StringComparison.Ordinal);

        // prometheus-net's process collector and the runtime's System.Runtime meter.
        Assert.Contains("\nprocess_cpu_seconds_total ", body, StringComparison.Ordinal);
        Assert.Contains("\ndotnet_collection_count_total{generation=\"0\"} ", body, StringComparison.Ordinal);
        Assert.Contains("\n# TYPE system_runtime_dotnet_gc_collections ", body, StringComparison.Ordinal);
        Assert.Contains("\n# TYPE system_runtime_dotnet_thread_pool_thread_count ", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task QueryStringIsTfServingsUnexpectedPath()
    {
        var (status, contentType, body) = await Get("/monitoring/prometheus/metrics?x=1");
        Assert.Equal(400, status);
        Assert.StartsWith("text/plain", contentType, StringComparison.Ordinal);
        Assert.Equal("Unexpected path: /monitoring/prometheus/metrics?x=1. Should be /monitoring/prometheus/metrics", body);
    }

    [Theory]
    [InlineData("/monitoring/prometheus/metrics", true)]
    [InlineData("/monitoring/prometheus/metrics?a", true)]
    [InlineData("/monitoring/prometheus/metrics/", false)]
    [InlineData("/monitoring/prometheus/METRICS", false)]
    [InlineData("/v1/models/m", false)]
    public void MatchesTheExactPathWithOrWithoutQuery(string target, bool matches) =>
        Assert.Equal(matches, _metrics.Endpoint!.Matches(Context(target)));

    private async Task<(int Status, string ContentType, string Body)> Get(string target)
    {
        var context = Context(target);
        var body = new MemoryStream();
        context.Response.Body = body;
        await _metrics.Endpoint!.HandleAsync(context);
        return (context.Response.StatusCode, context.Response.ContentType ?? "", Encoding.UTF8.GetString(body.ToArray()));
    }

    private static DefaultHttpContext Context(string target)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "GET";
        context.Features.Get<IHttpRequestFeature>()!.RawTarget = target;
        return context;
    }
}
