namespace NServe.Server.Metrics;

/// <summary>One metric (a name, its help text, type and label names) with all its series.</summary>
public abstract class MetricFamily
{
    protected MetricFamily(string name, string help, MetricType type, IReadOnlyList<string> labelNames)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (labelNames.Count > LabelValues.MaxCount)
        {
            throw new ArgumentException($"{name}: at most {LabelValues.MaxCount} labels", nameof(labelNames));
        }

        Name = name;
        Help = help;
        Type = type;
        LabelNames = labelNames;
    }

    /// <summary>The name on the page, e.g. <c>:tensorflow:serving:request_count</c>.</summary>
    public string Name { get; }

    public string Help { get; }

    public MetricType Type { get; }

    public IReadOnlyList<string> LabelNames { get; }

    /// <summary>Writes the HELP and TYPE lines and every series.</summary>
    public void WriteTo(PrometheusTextWriter writer)
    {
        writer.WriteHeader(Name, Help, Type);
        WriteSamples(writer);
    }

    protected abstract void WriteSamples(PrometheusTextWriter writer);

    protected void CheckArity(in LabelValues values)
    {
        if (values.Count != LabelNames.Count)
        {
            throw new ArgumentException($"{Name} takes {LabelNames.Count} label values, not {values.Count}", nameof(values));
        }
    }
}
