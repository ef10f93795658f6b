using NServe.Core.Errors;
using NServe.Core.RequestLogging;
using NServe.Core.Tests.Warmup;
using Tensorflow.Serving;

namespace NServe.Core.Tests.RequestLogging;

public sealed class RequestLoggersTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("nserve-request-loggers-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private ModelServerConfig Config(params (string Model, double? Rate)[] models)
    {
        var list = new ModelConfigList();
        foreach (var (model, rate) in models)
        {
            var config = new ModelConfig { Name = model, BasePath = "/models/" + model };
            if (rate is { } r)
            {
                config.LoggingConfig = new LoggingConfig
                {
                    LogCollectorConfig = new LogCollectorConfig { Type = "file", FilenamePrefix = Path.Combine(_folder, model) },
                    SamplingConfig = new SamplingConfig { SamplingRate = r },
                };
            }

            list.Config.Add(config);
        }

        return new ModelServerConfig { ModelConfigList = list };
    }

    [Fact]
    public void OnlyModelsWithALoggingConfigLog()
    {
        using var loggers = new RequestLoggers();
        loggers.Apply(Config(("a", 0.5), ("b", null)));

        Assert.Equal(0.5, loggers.Find("a")!.SamplingRate);
        Assert.Null(loggers.Find("b"));
        Assert.Null(loggers.Find("c"));
    }

    [Fact]
    public void AReloadKeepsUnchangedLoggersReplacesChangedOnesAndStopsRemovedOnes()
    {
        using var loggers = new RequestLoggers();
        loggers.Apply(Config(("a", 1), ("b", 1), ("c", 1)));
        var a = loggers.Find("a")!;
        var b = loggers.Find("b")!;
        var c = loggers.Find("c")!;
        c.Log(WarmupRecords.Predict(1), new ModelSpec { Name = "c" });

        loggers.Apply(Config(("a", 1), ("b", 0.25)));

        Assert.Same(a, loggers.Find("a"));
        Assert.NotSame(b, loggers.Find("b"));
        Assert.Equal(0.25, loggers.Find("b")!.SamplingRate);
        Assert.Null(loggers.Find("c"));

        // The stopped logger drops late records instead of failing the request that sends them.
        Assert.True(c.Log(WarmupRecords.Predict(2), new ModelSpec { Name = "c" }));
        Assert.Single(c.Files);
    }

    [Fact]
    public void ABadConfigChangesNothing()
    {
        using var loggers = new RequestLoggers();
        loggers.Apply(Config(("a", 1)));
        var a = loggers.Find("a")!;

        Assert.Equal(StatusCode.InvalidArgument, Assert.Throws<ServingException>(() => loggers.Apply(Config(("a", 0.5), ("b", 2)))).Code);

        Assert.Same(a, loggers.Find("a"));
        Assert.Null(loggers.Find("b"));
    }
}
