using Microsoft.Extensions.Logging.Abstractions;
using NServe.Core.Errors;
using NServe.Core.RequestLogging;
using NServe.Core.Tests.Warmup;
using NServe.Core.Warmup;
using Tensorflow.Serving;

namespace NServe.Core.Tests.RequestLogging;

public sealed class RequestLoggerTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("nserve-request-log-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private RequestLogger NewLogger(double rate, string type = "file", int maxRecords = 1000) =>
        new(
            new LoggingConfig
            {
                LogCollectorConfig = new LogCollectorConfig { Type = type, FilenamePrefix = Path.Combine(_folder, "logs", "m") },
                SamplingConfig = new SamplingConfig { SamplingRate = rate },
            },
            new RequestLogOptions { MaxRecordsPerFile = maxRecords });

    private static List<PredictionLog> ReadAll(string path)
    {
        using var reader = TfRecordReader.Open(path);
        var logs = new List<PredictionLog>();
        while (reader.TryReadNext(out var record))
        {
            logs.Add(PredictionLog.Parser.ParseFrom(record));
        }

        return logs;
    }

    [Theory]
    [InlineData(0.3)]
    [InlineData(0.05)]
    public void SamplingRateIsKeptWithinStatisticalBounds(double rate)
    {
        using var logger = NewLogger(rate);
        const int draws = 20_000;
        var sampled = Enumerable.Range(0, draws).Count(_ => logger.ShouldSample());

        // Binomial: mean n·p, standard deviation sqrt(n·p·(1-p)); 6σ makes a false failure practically impossible.
        var sigma = Math.Sqrt(draws * rate * (1 - rate));
        Assert.InRange(sampled, (draws * rate) - (6 * sigma), (draws * rate) + (6 * sigma));
    }

    [Fact]
    public void RateZeroLogsNothingAndRateOneLogsEverything()
    {
        using var never = NewLogger(0);
        using var always = NewLogger(1);
        Assert.DoesNotContain(Enumerable.Range(0, 1000), _ => never.ShouldSample());
        Assert.All(Enumerable.Range(0, 1000), _ => Assert.True(always.ShouldSample()));
    }

    [Fact]
    public void LogsReadBackWithTheirMetadataAndRotate()
    {
        using var logger = NewLogger(1, maxRecords: 2);
        var spec = new ModelSpec { Name = "m", Version = 3 };
        for (var i = 0; i < 5; i++)
        {
            logger.Log(WarmupRecords.Predict(i), spec);
        }

        Assert.Equal(3, logger.Files.Count);
        var logs = logger.Files.SelectMany(ReadAll).ToList();
        Assert.Equal([2, 2, 1], logger.Files.Select(f => ReadAll(f).Count));
        Assert.Equal([0f, 1f, 2f, 3f, 4f], logs.Select(l => l.PredictLog.Request.Inputs["x"].FloatVal.Single()));
        Assert.All(logs, l => Assert.Equal(spec, l.LogMetadata.ModelSpec));
        Assert.All(logs, l => Assert.Equal(1.0, l.LogMetadata.SamplingConfig.SamplingRate));
        Assert.All(logs, l => Assert.InRange(l.LogMetadata.TimestampSecs, DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 60, DateTimeOffset.UtcNow.ToUnixTimeSeconds()));
    }

    [Fact]
    public async Task ALogFileReplaysAsAWarmupFile()
    {
        using (var logger = NewLogger(1))
        {
            logger.Log(WarmupRecords.Predict(4), new ModelSpec { Name = "m" });
            logger.Log(WarmupRecords.Predict(6), new ModelSpec { Name = "m" });
            var version = Path.Combine(_folder, "1");
            Directory.CreateDirectory(Path.Combine(version, WarmupFile.AssetsExtraFolder));
            File.Copy(logger.Files.Single(), WarmupFile.PathIn(version));

            var servable = new WarmupTestServable();
            var summary = await new WarmupReplayer(new WarmupOptions(), NullLogger<WarmupReplayer>.Instance).WarmUpAsync(servable, version, CancellationToken.None);

            Assert.Equal(2, summary!.RecordsRead);
            Assert.Equal([4f, 6f], servable.Runs.Select(r => r.X));
        }
    }

    [Fact]
    public void ConcurrentLogsAreAllWrittenWhole()
    {
        using var logger = NewLogger(1, maxRecords: 100);
        Parallel.For(0, 500, i => logger.Log(WarmupRecords.Predict(i), new ModelSpec { Name = "m" }));

        var values = logger.Files.SelectMany(ReadAll).Select(l => l.PredictLog.Request.Inputs["x"].FloatVal.Single()).Order();
        Assert.Equal(Enumerable.Range(0, 500).Select(i => (float)i), values);
    }

    [Fact]
    public void TwoLoggersWithOnePrefixNeverOverwriteEachOther()
    {
        using var first = NewLogger(1);
        using var second = NewLogger(1);
        first.Log(WarmupRecords.Predict(1), new ModelSpec { Name = "m" });
        second.Log(WarmupRecords.Predict(2), new ModelSpec { Name = "m" });

        Assert.NotEqual(first.Files.Single(), second.Files.Single());
        Assert.Equal(1f, ReadAll(first.Files.Single()).Single().PredictLog.Request.Inputs["x"].FloatVal.Single());
        Assert.Equal(2f, ReadAll(second.Files.Single()).Single().PredictLog.Request.Inputs["x"].FloatVal.Single());
    }

    [Fact]
    public void BadConfigsAreRejected()
    {
        Assert.Equal(StatusCode.InvalidArgument, Assert.Throws<ServingException>(() => NewLogger(0.5, type: "kafka")).Code);
        Assert.Equal(StatusCode.InvalidArgument, Assert.Throws<ServingException>(() => NewLogger(1.5)).Code);
        Assert.Equal(StatusCode.InvalidArgument, Assert.Throws<ServingException>(() => new RequestLogger(new LoggingConfig())).Code);
    }
}
