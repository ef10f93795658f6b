namespace NServe.Server.Metrics;

/// <summary>
/// The upper bounds of a histogram's buckets, strictly increasing; an implicit last bucket (+Inf) holds
/// the rest. Bucket <c>i</c> counts values <c>&lt;= bound[i]</c>, as Prometheus' <c>le</c> says.
/// </summary>
public sealed class HistogramBuckets
{
    private HistogramBuckets(double[] bounds)
    {
        if (bounds.Length == 0)
        {
            throw new ArgumentException("a histogram needs at least one bucket bound", nameof(bounds));
        }

        for (var i = 0; i < bounds.Length; i++)
        {
            if (!double.IsFinite(bounds[i]) || (i > 0 && bounds[i] <= bounds[i - 1]))
            {
                throw new ArgumentException("bucket bounds must be finite and strictly increasing", nameof(bounds));
            }
        }

        Bounds = bounds;
        BoundTexts = [.. bounds.Select(PrometheusTextWriter.FormatBound), "+Inf"];
    }

    /// <summary>The finite upper bounds.</summary>
    public IReadOnlyList<double> Bounds { get; }

    /// <summary>The <c>le</c> text of every bucket, the +Inf one last.</summary>
    public IReadOnlyList<string> BoundTexts { get; }

    /// <summary>Number of buckets, the +Inf one included.</summary>
    public int Count => Bounds.Count + 1;

    public static HistogramBuckets Explicit(params double[] bounds) => new([.. bounds]);

    /// <summary>
    /// TF's <c>Buckets::Exponential(scale, growth, count)</c>: <c>scale·growth^i</c> for i below
    /// <paramref name="count"/>, computed by repeated multiplication as TF does, so the bounds match its own.
    /// </summary>
    public static HistogramBuckets Exponential(double scale, double growth, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        var bounds = new double[count];
        var bound = scale;
        for (var i = 0; i < count; i++)
        {
            bounds[i] = bound;
            bound *= growth;
        }

        return new HistogramBuckets(bounds);
    }

    /// <summary>The bucket <paramref name="value"/> falls in: the first whose bound is not below it, else the +Inf bucket.</summary>
    public int IndexOf(double value)
    {
        var bounds = (double[])Bounds;
        int low = 0, high = bounds.Length;
        while (low < high)
        {
            var middle = (low + high) >>> 1;
            if (bounds[middle] < value)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low;
    }
}
