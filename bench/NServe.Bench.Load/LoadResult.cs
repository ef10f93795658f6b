using System.Diagnostics;
using System.Globalization;

namespace NServe.Bench.Load;

/// <summary>What a measured run saw: request latencies (Stopwatch ticks), errors and wall time.</summary>
internal sealed class LoadResult(long[] latencies, long errors, TimeSpan elapsed, string? firstError)
{
    public long Requests => latencies.Length + errors;

    public long Errors => errors;

    public TimeSpan Elapsed => elapsed;

    public string? FirstError => firstError;

    public double Throughput => Requests / elapsed.TotalSeconds;

    /// <summary>The latency (ms) below which <paramref name="percent"/>% of successful requests fall (nearest rank).</summary>
    public double PercentileMilliseconds(double percent)
    {
        if (latencies.Length == 0)
        {
            return double.NaN;
        }

        var rank = (int)Math.Ceiling(percent / 100 * latencies.Length) - 1;
        return latencies[Math.Clamp(rank, 0, latencies.Length - 1)] * 1000.0 / Stopwatch.Frequency;
    }

    public string Format() => string.Format(
        CultureInfo.InvariantCulture,
        "requests={0} errors={1} seconds={2:F2} throughput={3:F1}/s p50={4:F3}ms p90={5:F3}ms p99={6:F3}ms max={7:F3}ms",
        Requests,
        Errors,
        Elapsed.TotalSeconds,
        Throughput,
        PercentileMilliseconds(50),
        PercentileMilliseconds(90),
        PercentileMilliseconds(99),
        PercentileMilliseconds(100));
}
