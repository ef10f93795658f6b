using System.Diagnostics;

namespace NServe.Server.Metrics;

/// <summary>
/// One histogram series: a count per bucket and the sum of observed values. Observing takes two
/// interlocked operations and allocates nothing.
/// </summary>
public sealed class Histogram(HistogramBuckets buckets)
{
    private readonly long[] _counts = new long[buckets.Count];
    private long _sumBits;

    public HistogramBuckets Buckets { get; } = buckets;

    public double Sum => BitConverter.Int64BitsToDouble(Volatile.Read(ref _sumBits));

    /// <summary>Records one value; NaN is ignored (it belongs to no bucket).</summary>
    public void Observe(double value)
    {
        if (double.IsNaN(value))
        {
            return;
        }

        Interlocked.Increment(ref _counts[Buckets.IndexOf(value)]);
        var current = Volatile.Read(ref _sumBits);
        while (true)
        {
            var next = BitConverter.DoubleToInt64Bits(BitConverter.Int64BitsToDouble(current) + value);
            var seen = Interlocked.CompareExchange(ref _sumBits, next, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    /// <summary>Records the microseconds since <paramref name="startTimestamp"/> (a <see cref="Stopwatch.GetTimestamp"/> value).</summary>
    public void ObserveMicrosecondsSince(long startTimestamp) =>
        Observe(Stopwatch.GetElapsedTime(startTimestamp).Ticks / (double)TimeSpan.TicksPerMicrosecond);

    /// <summary>The count in each bucket (not cumulative), the +Inf bucket last.</summary>
    public long[] BucketCounts()
    {
        var copy = new long[_counts.Length];
        for (var i = 0; i < copy.Length; i++)
        {
            copy[i] = Volatile.Read(ref _counts[i]);
        }

        return copy;
    }
}
