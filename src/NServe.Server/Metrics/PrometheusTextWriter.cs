using System.Globalization;
using System.Text;

namespace NServe.Server.Metrics;

/// <summary>
/// Writes the Prometheus text exposition format (version 0.0.4): <c># HELP</c> and <c># TYPE</c> lines and
/// samples <c>name{label="value",...} number</c>, one per line, each ending in <c>\n</c>. Metric names are
/// written as given, so TF Serving's names with colons (<c>:tensorflow:serving:request_count</c>), which
/// the format allows but client libraries refuse, come out unchanged.
/// </summary>
public sealed class PrometheusTextWriter(StringBuilder text)
{
    public void WriteHeader(string name, string help, MetricType type)
    {
        if (help.Length > 0)
        {
            text.Append("# HELP ").Append(name).Append(' ');
            AppendEscapedHelp(text, help);
            text.Append('\n');
        }

        text.Append("# TYPE ").Append(name).Append(' ').Append(type switch
        {
            MetricType.Counter => "counter",
            MetricType.Gauge => "gauge",
            MetricType.Histogram => "histogram",
            _ => throw new ArgumentOutOfRangeException(nameof(type)),
        }).Append('\n');
    }

    /// <summary><c>name{labels} value</c> for a counter or an integer gauge.</summary>
    public void WriteSample(string name, IReadOnlyList<string> labelNames, in LabelValues values, long value)
    {
        AppendSeries(name, "", labelNames, values, null);
        text.Append(' ').Append(value.ToString(CultureInfo.InvariantCulture)).Append('\n');
    }

    /// <summary><c>name{labels} value</c> for a gauge or a histogram's <c>_sum</c> (with its suffix).</summary>
    public void WriteSample(string name, string suffix, IReadOnlyList<string> labelNames, in LabelValues values, double value)
    {
        AppendSeries(name, suffix, labelNames, values, null);
        text.Append(' ').Append(FormatValue(value)).Append('\n');
    }

    /// <summary><c>name_bucket{labels,le="bound"} cumulativeCount</c>; <paramref name="bound"/> is already formatted.</summary>
    public void WriteBucket(string name, IReadOnlyList<string> labelNames, in LabelValues values, string bound, long cumulativeCount)
    {
        AppendSeries(name, "_bucket", labelNames, values, bound);
        text.Append(' ').Append(cumulativeCount.ToString(CultureInfo.InvariantCulture)).Append('\n');
    }

    /// <summary><c>name_count{labels} count</c>.</summary>
    public void WriteCount(string name, IReadOnlyList<string> labelNames, in LabelValues values, long count)
    {
        AppendSeries(name, "_count", labelNames, values, null);
        text.Append(' ').Append(count.ToString(CultureInfo.InvariantCulture)).Append('\n');
    }

    /// <summary>A sample value: shortest round-trip text, <c>+Inf</c>, <c>-Inf</c> or <c>NaN</c>.</summary>
    public static string FormatValue(double value) =>
        double.IsNaN(value) ? "NaN"
        : double.IsPositiveInfinity(value) ? "+Inf"
        : double.IsNegativeInfinity(value) ? "-Inf"
        : value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>
    /// A bucket bound as TF Serving prints it (absl::StrCat of a double, which is printf's <c>%.6g</c>):
    /// 10, 18, 32.4, 58.32, 104.976, 188.957, ... 1.27482e+06; <c>+Inf</c> for infinity.
    /// </summary>
    public static string FormatBound(double bound)
    {
        if (double.IsPositiveInfinity(bound))
        {
            return "+Inf";
        }

        // .NET's G6 switches to exponent form exactly where %g does and writes at least two exponent digits.
        return bound.ToString("G6", CultureInfo.InvariantCulture).Replace('E', 'e');
    }

    private void AppendSeries(string name, string suffix, IReadOnlyList<string> labelNames, in LabelValues values, string? bound)
    {
        if (labelNames.Count != values.Count)
        {
            throw new ArgumentException($"{name} has {labelNames.Count} labels but {values.Count} values were given", nameof(values));
        }

        text.Append(name).Append(suffix);
        if (values.Count == 0 && bound is null)
        {
            return;
        }

        text.Append('{');
        for (var i = 0; i < values.Count; i++)
        {
            if (i > 0)
            {
                text.Append(',');
            }

            text.Append(labelNames[i]).Append("=\"");
            AppendEscapedLabelValue(text, values[i]);
            text.Append('"');
        }

        if (bound is not null)
        {
            if (values.Count > 0)
            {
                text.Append(',');
            }

            text.Append("le=\"").Append(bound).Append('"');
        }

        text.Append('}');
    }

    /// <summary>Label values escape backslash, double quote and line feed (<c>\\</c>, <c>\"</c>, <c>\n</c>).</summary>
    internal static void AppendEscapedLabelValue(StringBuilder text, string value)
    {
        foreach (var c in value)
        {
            switch (c)
            {
                case '\\':
                    text.Append("\\\\");
                    break;
                case '"':
                    text.Append("\\\"");
                    break;
                case '\n':
                    text.Append("\\n");
                    break;
                default:
                    text.Append(c);
                    break;
            }
        }
    }

    /// <summary>HELP text escapes backslash and line feed only.</summary>
    private static void AppendEscapedHelp(StringBuilder text, string help)
    {
        foreach (var c in help)
        {
            switch (c)
            {
                case '\\':
                    text.Append("\\\\");
                    break;
                case '\n':
                    text.Append("\\n");
                    break;
                default:
                    text.Append(c);
                    break;
            }
        }
    }
}
