using System.Text;
using NServe.Server.Metrics;

namespace NServe.Server.Tests.Metrics;

public sealed class PrometheusTextWriterTests
{
    [Fact]
    public void CounterFamilyWritesHelpTypeAndOneLinePerSeriesInLabelOrder()
    {
        var family = new CounterFamily(":tensorflow:serving:request_count", "The total number of requests.", ["model_name", "status"]);
        family.WithLabels(new LabelValues("m", "OK")).Add(3);
        family.WithLabels(new LabelValues("a", "NOT_FOUND")).Increment();

        Assert.Equal(
            "# HELP :tensorflow:serving:request_count The total number of requests.\n"
            + "# TYPE :tensorflow:serving:request_count counter\n"
            + ":tensorflow:serving:request_count{model_name=\"a\",status=\"NOT_FOUND\"} 1\n"
            + ":tensorflow:serving:request_count{model_name=\"m\",status=\"OK\"} 3\n",
            Write(family));
    }

    [Fact]
    public void FamilyWithoutSeriesWritesOnlyItsHeader()
    {
        var family = new CounterFamily("c", "", ["x"]);
        Assert.Equal("# TYPE c counter\n", Write(family));
    }

    [Fact]
    public void LabelLessSeriesHasNoBraces()
    {
        var family = new CounterFamily(":tensorflow:serving:batching_session:wrapped_run_count", "runs", []);
        family.WithLabels(LabelValues.None).Increment();
        Assert.EndsWith("\n:tensorflow:serving:batching_session:wrapped_run_count 1\n", Write(family), StringComparison.Ordinal);
    }

    [Fact]
    public void LabelValuesEscapeBackslashQuoteAndNewline()
    {
        var family = new CounterFamily("c", "", ["model_name"]);
        family.WithLabels(new LabelValues("a\\b\"c\nd")).Increment();
        Assert.Contains("c{model_name=\"a\\\\b\\\"c\\nd\"} 1\n", Write(family), StringComparison.Ordinal);
    }

    [Fact]
    public void HelpEscapesBackslashAndNewlineButNotQuotes()
    {
        var family = new CounterFamily("c", "a \"b\" \\ c\nd", []);
        Assert.StartsWith("# HELP c a \"b\" \\\\ c\\nd\n# TYPE c counter\n", Write(family), StringComparison.Ordinal);
    }

    [Fact]
    public void GaugeFamilyReadsItsSourceAtWriteTime()
    {
        var value = 1.0;
        var family = new CallbackGaugeFamily("g", "help", ["model_name"], () => [new GaugeSample(new LabelValues("z"), value), new GaugeSample(new LabelValues("b"), 0.5)]);
        value = 2;

        Assert.Equal("# HELP g help\n# TYPE g gauge\ng{model_name=\"b\"} 0.5\ng{model_name=\"z\"} 2\n", Write(family));
    }

    [Fact]
    public void HistogramWritesCumulativeBucketsInfSumAndCount()
    {
        var family = new HistogramFamily("h", "", ["model_name", "API"], HistogramBuckets.Explicit(1, 2.5, 10));
        var series = family.WithLabels(new LabelValues("m", "predict"));
        foreach (var value in new[] { 0.5, 1, 2, 3, 10, 11, 1e9 })
        {
            series.Observe(value);
        }

        Assert.Equal(
            "# TYPE h histogram\n"
            + "h_bucket{model_name=\"m\",API=\"predict\",le=\"1\"} 2\n"
            + "h_bucket{model_name=\"m\",API=\"predict\",le=\"2.5\"} 3\n"
            + "h_bucket{model_name=\"m\",API=\"predict\",le=\"10\"} 5\n"
            + "h_bucket{model_name=\"m\",API=\"predict\",le=\"+Inf\"} 7\n"
            + "h_sum{model_name=\"m\",API=\"predict\"} 1000000027.5\n"
            + "h_count{model_name=\"m\",API=\"predict\"} 7\n",
            Write(family));
    }

    [Fact]
    public void LabelLessHistogramPutsOnlyLeInBraces()
    {
        var family = new HistogramFamily("h", "", [], HistogramBuckets.Explicit(1));
        family.WithLabels(LabelValues.None).Observe(4);
        Assert.Equal("# TYPE h histogram\nh_bucket{le=\"1\"} 0\nh_bucket{le=\"+Inf\"} 1\nh_sum 4\nh_count 1\n", Write(family));
    }

    [Fact]
    public void HistogramIgnoresNaN()
    {
        var histogram = new Histogram(HistogramBuckets.Explicit(1));
        histogram.Observe(double.NaN);
        Assert.Equal([0, 0], histogram.BucketCounts());
        Assert.Equal(0, histogram.Sum);
    }

    [Theory]
    [InlineData(10, "10")]
    [InlineData(32.400000000000006, "32.4")]
    [InlineData(104.97600000000001, "104.976")]
    [InlineData(188.9568, "188.957")]
    [InlineData(1274823.6, "1.27482e+06")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(0.00001, "1e-05")]
    [InlineData(double.PositiveInfinity, "+Inf")]
    public void BoundsPrintAsPrintfPercentSixG(double bound, string expected) =>
        Assert.Equal(expected, PrometheusTextWriter.FormatBound(bound));

    [Theory]
    [InlineData(0.1, "0.1")]
    [InlineData(12345678901234.5, "12345678901234.5")]
    [InlineData(1e300, "1E+300")]
    [InlineData(double.NaN, "NaN")]
    [InlineData(double.NegativeInfinity, "-Inf")]
    public void ValuesRoundTrip(double value, string expected) =>
        Assert.Equal(expected, PrometheusTextWriter.FormatValue(value));

    [Fact]
    public void WrongNumberOfLabelValuesIsRefused()
    {
        var family = new CounterFamily("c", "", ["a", "b"]);
        Assert.Throws<ArgumentException>(() => family.WithLabels(new LabelValues("x")));
    }

    [Fact]
    public void MoreThanThreeLabelsIsRefused() =>
        Assert.Throws<ArgumentException>(() => new CounterFamily("c", "", ["a", "b", "c", "d"]));

    private static string Write(MetricFamily family)
    {
        var text = new StringBuilder();
        family.WriteTo(new PrometheusTextWriter(text));
        return text.ToString();
    }
}
