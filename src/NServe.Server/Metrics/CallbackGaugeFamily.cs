namespace NServe.Server.Metrics;

/// <summary>
/// A gauge whose series are read from their source when the page is written (e.g. version states from
/// the manager), so nothing has to keep a copy up to date.
/// </summary>
public sealed class CallbackGaugeFamily(string name, string help, IReadOnlyList<string> labelNames, Func<IEnumerable<GaugeSample>> read)
    : MetricFamily(name, help, MetricType.Gauge, labelNames)
{
    protected override void WriteSamples(PrometheusTextWriter writer)
    {
        var samples = read().ToList();
        samples.Sort((a, b) => LabelValues.CompareOrdinal(a.Labels, b.Labels));
        foreach (var sample in samples)
        {
            CheckArity(sample.Labels);
            writer.WriteSample(Name, "", LabelNames, sample.Labels, sample.Value);
        }
    }
}
