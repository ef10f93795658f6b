namespace NServe.Server.Metrics;

/// <summary>A counter metric with its series by label values (<c># TYPE name counter</c>).</summary>
public sealed class CounterFamily : MetricFamily
{
    private readonly SeriesTable<Counter> _series;

    public CounterFamily(string name, string help, IReadOnlyList<string> labelNames, int maxSeries = MetricRegistry.DefaultMaxSeries)
        : base(name, help, MetricType.Counter, labelNames)
    {
        _series = new SeriesTable<Counter>(() => new Counter(), maxSeries);
    }

    /// <summary>The series for <paramref name="values"/> (created at first use).</summary>
    public Counter WithLabels(in LabelValues values)
    {
        CheckArity(values);
        return _series.Get(values);
    }

    protected override void WriteSamples(PrometheusTextWriter writer)
    {
        foreach (var (values, counter) in _series.Snapshot())
        {
            writer.WriteSample(Name, LabelNames, values, counter.Value);
        }
    }
}
