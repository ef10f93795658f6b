namespace NServe.Server.Metrics;

/// <summary>The <c># TYPE</c> of a metric family in the Prometheus text exposition format.</summary>
public enum MetricType
{
    Counter,
    Gauge,
    Histogram,
}
