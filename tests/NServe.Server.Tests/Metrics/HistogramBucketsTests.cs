using NServe.Server.Metrics;

namespace NServe.Server.Tests.Metrics;

public sealed class HistogramBucketsTests
{
    [Fact]
    public void LatencyBucketsAreTfServingsExponential10By1Point8()
    {
        var buckets = HistogramBuckets.Exponential(10, 1.8, 33);
        Assert.Equal(33, buckets.Bounds.Count);
        Assert.Equal(34, buckets.Count);
        Assert.Equal(["10", "18", "32.4", "58.32", "104.976", "188.957", "340.122", "612.22", "1102"], buckets.BoundTexts.Take(9));
        Assert.Equal("+Inf", buckets.BoundTexts[^1]);

        // 10·1.8^32, the last finite bound, computed by repeated multiplication as TF does.
        var expected = 10.0;
        for (var i = 0; i < 32; i++)
        {
            expected *= 1.8;
        }

        Assert.Equal(expected, buckets.Bounds[^1]);
        Assert.Equal("1.47476e+09", buckets.BoundTexts[^2]);
    }

    [Fact]
    public void BatchSizeBucketsArePowersOfTwo()
    {
        var buckets = HistogramBuckets.Exponential(1, 2, 14);
        Assert.Equal([1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192], buckets.Bounds);
    }

    [Theory]
    [InlineData(-5, 0)]
    [InlineData(0, 0)]
    [InlineData(1, 0)] // le: a value equal to a bound counts in that bucket
    [InlineData(1.0000001, 1)]
    [InlineData(2, 1)]
    [InlineData(3, 2)]
    [InlineData(8192, 13)]
    [InlineData(8193, 14)] // +Inf
    [InlineData(double.PositiveInfinity, 14)]
    public void ValueFallsInTheFirstBucketWhoseBoundIsNotBelowIt(double value, int bucket) =>
        Assert.Equal(bucket, HistogramBuckets.Exponential(1, 2, 14).IndexOf(value));

    [Fact]
    public void BoundsMustIncreaseStrictly()
    {
        Assert.Throws<ArgumentException>(() => HistogramBuckets.Explicit(1, 1));
        Assert.Throws<ArgumentException>(() => HistogramBuckets.Explicit(2, 1));
        Assert.Throws<ArgumentException>(() => HistogramBuckets.Explicit());
        Assert.Throws<ArgumentException>(() => HistogramBuckets.Explicit(double.PositiveInfinity));
    }

    [Fact]
    public void ConcurrentObservationsAreAllCounted()
    {
        var histogram = new Histogram(HistogramBuckets.Exponential(1, 2, 14));
        Parallel.For(0, 8, _ =>
        {
            for (var i = 0; i < 100_000; i++)
            {
                histogram.Observe(i % 10);
            }
        });

        Assert.Equal(800_000, histogram.BucketCounts().Sum());
        Assert.Equal(8 * 10_000 * 45.0, histogram.Sum);
    }
}
