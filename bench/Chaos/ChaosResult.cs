using System.Globalization;
using System.Text;

namespace NServe.Bench.Chaos;

/// <summary>What a run found: counts, unexpected errors with examples, and RSS at the baseline and the end.</summary>
public sealed record ChaosResult(
    TimeSpan Duration,
    IReadOnlyDictionary<string, long> Counts,
    long Unexpected,
    IReadOnlyList<string> UnexpectedExamples,
    IReadOnlyList<(double Seconds, long Bytes)> Rss,
    double? RssGrowth,
    double RssLimit)
{
    public bool RssWithinLimit => RssGrowth is not { } growth || growth < RssLimit;

    public bool Passed => Unexpected == 0 && RssWithinLimit;

    public string Describe()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"chaos run of {Duration.TotalSeconds:F0} s: {(Passed ? "PASSED" : "FAILED")}");
        foreach (var (name, count) in Counts)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {name}: {count}");
        }

        if (Rss.Count > 0)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  rss: first {Rss[0].Bytes / 1048576.0:F0} MiB at {Rss[0].Seconds:F0} s, last {Rss[^1].Bytes / 1048576.0:F0} MiB at {Rss[^1].Seconds:F0} s, max {Rss.Max(r => r.Bytes) / 1048576.0:F0} MiB");
        }

        text.AppendLine(RssGrowth is { } growth
            ? string.Create(CultureInfo.InvariantCulture, $"  rss growth from the baseline to the end: {growth * 100:F1}% (limit {RssLimit * 100:F0}%)")
            : "  rss growth: not measured (run shorter than twice the baseline time)");
        foreach (var example in UnexpectedExamples)
        {
            text.AppendLine("  UNEXPECTED " + example);
        }

        return text.ToString();
    }
}
