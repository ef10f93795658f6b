using System.Text;

namespace NServe.Server.Metrics;

/// <summary>The metric families one server exports, written in name order as TF Serving's exporter does.</summary>
public sealed class MetricRegistry
{
    /// <summary>Series per family before new label values stop being exported (see <see cref="SeriesTable{TSeries}"/>).</summary>
    public const int DefaultMaxSeries = 10_000;

    private readonly Lock _gate = new();
    private readonly SortedDictionary<string, MetricFamily> _families = new(StringComparer.Ordinal);

    /// <summary>Adds <paramref name="family"/>; names are unique.</summary>
    public T Register<T>(T family)
        where T : MetricFamily
    {
        lock (_gate)
        {
            if (!_families.TryAdd(family.Name, family))
            {
                throw new ArgumentException($"metric {family.Name} is already registered", nameof(family));
            }
        }

        return family;
    }

    /// <summary>Every family, HELP and TYPE lines first, appended to <paramref name="text"/>.</summary>
    public void WriteTo(StringBuilder text)
    {
        MetricFamily[] families;
        lock (_gate)
        {
            families = [.. _families.Values];
        }

        var writer = new PrometheusTextWriter(text);
        foreach (var family in families)
        {
            family.WriteTo(writer);
        }
    }

    /// <summary>The whole page as text.</summary>
    public string WriteToString()
    {
        var text = new StringBuilder();
        WriteTo(text);
        return text.ToString();
    }
}
