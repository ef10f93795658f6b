using NServe.Server.Metrics;

namespace NServe.Server.Tests.Metrics;

public sealed class SeriesLimitTests
{
    [Fact]
    public void LabelValuesPastTheLimitAreRecordedButNotExported()
    {
        var family = new CounterFamily("c", "", ["model_name"], maxSeries: 2);
        family.WithLabels(new LabelValues("a")).Increment();
        family.WithLabels(new LabelValues("b")).Increment();
        family.WithLabels(new LabelValues("c")).Increment();
        family.WithLabels(new LabelValues("a")).Increment();

        var registry = new MetricRegistry();
        registry.Register(family);
        Assert.Equal("# TYPE c counter\nc{model_name=\"a\"} 2\nc{model_name=\"b\"} 1\n", registry.WriteToString());
    }

    [Fact]
    public void FamiliesAreWrittenInNameOrderAndNamesAreUnique()
    {
        var registry = new MetricRegistry();
        registry.Register(new CounterFamily("nserve_x", "", []));
        registry.Register(new CounterFamily(":tensorflow:serving:request_count", "", []));
        Assert.Equal("# TYPE :tensorflow:serving:request_count counter\n# TYPE nserve_x counter\n", registry.WriteToString());
        Assert.Throws<ArgumentException>(() => registry.Register(new CounterFamily("nserve_x", "", [])));
    }
}
