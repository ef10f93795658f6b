namespace NServe.Server.Metrics;

/// <summary>
/// A histogram metric with its series by label values: per series, cumulative <c>_bucket{le=...}</c>
/// lines ending with <c>le="+Inf"</c>, then <c>_sum</c> and <c>_count</c> (the +Inf bucket's count).
/// </summary>
public sealed class HistogramFamily : MetricFamily
{
    private readonly SeriesTable<Histogram> _series;

    public HistogramFamily(string name, string help, IReadOnlyList<string> labelNames, HistogramBuckets buckets, int maxSeries = MetricRegistry.DefaultMaxSeries)
        : base(name, help, MetricType.Histogram, labelNames)
    {
        Buckets = buckets;
        _series = new SeriesTable<Histogram>(() => new Histogram(buckets), maxSeries);
    }

    public HistogramBuckets Buckets { get; }

    /// <summary>The series for <paramref name="values"/> (created at first use).</summary>
    public Histogram WithLabels(in LabelValues values)
    {
        CheckArity(values);
        return _series.Get(values);
    }

    protected override void WriteSamples(PrometheusTextWriter writer)
    {
        var bounds = Buckets.BoundTexts;
        foreach (var (values, histogram) in _series.Snapshot())
        {
            // The sum is read before the counts: a value observed in between shows in the counts only,
            // never in the sum alone.
            var sum = histogram.Sum;
            var counts = histogram.BucketCounts();
            long cumulative = 0;
            for (var i = 0; i < counts.Length; i++)
            {
                cumulative += counts[i];
                writer.WriteBucket(Name, LabelNames, values, bounds[i], cumulative);
            }

            writer.WriteSample(Name, "_sum", LabelNames, values, sum);
            writer.WriteCount(Name, LabelNames, values, cumulative);
        }
    }
}
