using Google.Protobuf;
using Microsoft.Extensions.Logging.Abstractions;
using NServe.Core.Errors;
using NServe.Core.Servables;
using NServe.Core.Warmup;
using Tensorflow.Serving;

namespace NServe.Core.Tests.Warmup;

public sealed class WarmupReplayerTests : IDisposable
{
    private readonly string _version = Directory.CreateTempSubdirectory("nserve-warmup-").FullName;
    private readonly WarmupTestServable _servable = new();

    public void Dispose() => Directory.Delete(_version, recursive: true);

    private static WarmupReplayer Replayer(int iterations = 0, Func<IServable, ClassificationRequest, CancellationToken, Task>? classify = null) =>
        new(new WarmupOptions { NumRequestIterations = iterations, Classify = classify }, NullLogger<WarmupReplayer>.Instance);

    private Task<WarmupSummary?> WarmUpAsync(WarmupReplayer replayer) => replayer.WarmUpAsync(_servable, _version, CancellationToken.None);

    [Fact]
    public async Task NoWarmupFileIsNotAnError()
    {
        Assert.Null(await WarmUpAsync(Replayer()));
        Assert.Empty(_servable.Runs);
    }

    [Fact]
    public async Task ZeroIterationsReplaysEachRecordOnceInOrder()
    {
        WarmupRecords.Write(_version, [WarmupRecords.Predict(1), WarmupRecords.Predict(2, "other"), WarmupRecords.Predict(3, "serving_default")]);

        var summary = await WarmUpAsync(Replayer(iterations: 0));

        Assert.NotNull(summary);
        Assert.Equal(3, summary.RecordsRead);
        Assert.Equal(3, summary.RequestsRun);
        Assert.Equal(WarmupFile.PathIn(_version), summary.FilePath);
        Assert.Equal([("serving_default", 1f), ("other", 2f), ("serving_default", 3f)], _servable.Runs);
    }

    [Fact]
    public async Task EachRecordIsReplayedTheGivenNumberOfTimes()
    {
        WarmupRecords.Write(_version, [WarmupRecords.Predict(1), WarmupRecords.Predict(2)]);

        var summary = await WarmUpAsync(Replayer(iterations: 4));

        Assert.Equal(8, summary!.RequestsRun);
        Assert.Equal([1f, 1f, 1f, 1f, 2f, 2f, 2f, 2f], _servable.Runs.Select(r => r.X));
    }

    [Fact]
    public async Task AThousandRecordsAreAllowed()
    {
        WarmupRecords.Write(_version, Enumerable.Range(0, WarmupFile.MaxRecords).Select(i => WarmupRecords.Predict(i)));

        var summary = await WarmUpAsync(Replayer());

        Assert.Equal(1000, summary!.RecordsRead);
        Assert.Equal(1000, _servable.Runs.Count);
    }

    [Fact]
    public async Task MoreThanAThousandRecordsFailAfterRunningThe1001st()
    {
        var path = WarmupRecords.Write(_version, Enumerable.Range(0, 1002).Select(i => WarmupRecords.Predict(i)));

        var error = await Assert.ThrowsAsync<ServingException>(() => WarmUpAsync(Replayer()));

        Assert.Equal(StatusCode.InvalidArgument, error.Code);
        Assert.Equal($"Number of warmup records exceeds the maximum (1000) at {path}", error.Message);
        Assert.Equal(1001, _servable.Runs.Count);
    }

    [Fact]
    public async Task CorruptFramingFailsWithDataLossAndTheTfHint()
    {
        var path = WarmupRecords.Write(_version, [WarmupRecords.Predict(1), WarmupRecords.Predict(2)]);
        var bytes = File.ReadAllBytes(path);
        bytes[^1] ^= 0xFF; // the second record's data checksum
        File.WriteAllBytes(path, bytes);

        var error = await Assert.ThrowsAsync<ServingException>(() => WarmUpAsync(Replayer()));

        Assert.Equal(StatusCode.DataLoss, error.Code);
        Assert.Contains("corrupted record at", error.Message);
        Assert.Contains("(record 2)", error.Message);
        Assert.Contains(path, error.Message);
        Assert.EndsWith("Please verify your warmup data is in TFRecord format.", error.Message);
    }

    [Fact]
    public async Task AFileThatIsNotTfRecordFails()
    {
        Directory.CreateDirectory(Path.Combine(_version, WarmupFile.AssetsExtraFolder));
        File.WriteAllText(WarmupFile.PathIn(_version), "{\"instances\": [1.0]}");

        var error = await Assert.ThrowsAsync<ServingException>(() => WarmUpAsync(Replayer()));

        Assert.Equal(StatusCode.DataLoss, error.Code);
        Assert.Empty(_servable.Runs);
    }

    [Fact]
    public async Task UnparsableRecordIsInvalidArgument()
    {
        var path = WarmupRecords.WriteRaw(_version, [WarmupRecords.Predict(1).ToByteArray(), [0xFF, 0xFF, 0xFF]]);

        var error = await Assert.ThrowsAsync<ServingException>(() => WarmUpAsync(Replayer()));

        Assert.Equal(StatusCode.InvalidArgument, error.Code);
        Assert.StartsWith("Failed to parse warmup record: record 2 (", error.Message);
        Assert.EndsWith($"from {path}", error.Message);
    }

    [Fact]
    public async Task ARecordWithoutLogTypeIsSkipped()
    {
        WarmupRecords.Write(_version, [new PredictionLog(), WarmupRecords.Predict(5)]);

        var summary = await WarmUpAsync(Replayer(iterations: 2));

        Assert.Equal(2, summary!.RecordsRead);
        Assert.Equal(1, summary.RecordsSkipped);
        Assert.Equal([5f, 5f], _servable.Runs.Select(r => r.X));
    }

    [Fact]
    public async Task StreamedPredictLogsAreUnsupported()
    {
        WarmupRecords.Write(_version, [new PredictionLog { PredictStreamedLog = new PredictStreamedLog() }]);

        var error = await Assert.ThrowsAsync<ServingException>(() => WarmUpAsync(Replayer()));

        Assert.Equal(StatusCode.Unimplemented, error.Code);
        Assert.Equal("Unsupported log_type for warmup: 7", error.Message);
    }

    [Fact]
    public async Task ClassifyAndRegressAreSkippedWhileTheServerCannotRunThem()
    {
        WarmupRecords.Write(_version, [WarmupRecords.Classify(), WarmupRecords.Regress(), WarmupRecords.Predict(1)]);

        var summary = await WarmUpAsync(Replayer(iterations: 2));

        Assert.Equal(3, summary!.RecordsRead);
        Assert.Equal(2, summary.RecordsSkipped);
        Assert.Equal(2, summary.RequestsRun);
    }

    [Fact]
    public async Task ClassifyRecordsRunThroughTheGivenRunner()
    {
        WarmupRecords.Write(_version, [WarmupRecords.Classify()]);
        var seen = new List<ClassificationRequest>();

        var summary = await WarmUpAsync(Replayer(iterations: 3, classify: (servable, request, _) =>
        {
            Assert.Same(_servable, servable);
            seen.Add(request);
            return Task.CompletedTask;
        }));

        Assert.Equal(3, seen.Count);
        Assert.All(seen, r => Assert.Equal("m", r.ModelSpec.Name));
        Assert.Equal(0, summary!.RecordsSkipped);
    }

    [Fact]
    public async Task ARequestThatDoesNotFitTheSignatureFailsNamingTheRecord()
    {
        var path = WarmupRecords.Write(_version, [WarmupRecords.Predict(1), WarmupRecords.Predict(2, input: "z")]);

        var error = await Assert.ThrowsAsync<ServingException>(() => WarmUpAsync(Replayer()));

        Assert.Equal(StatusCode.InvalidArgument, error.Code);
        Assert.StartsWith($"Warmup request in record 2 of {path} failed: input size does not match signature", error.Message);
    }

    [Fact]
    public async Task AnUnknownSignatureFails()
    {
        WarmupRecords.Write(_version, [WarmupRecords.Predict(1, "nope")]);

        var error = await Assert.ThrowsAsync<ServingException>(() => WarmUpAsync(Replayer()));

        Assert.Equal(StatusCode.FailedPrecondition, error.Code);
        Assert.EndsWith("Serving signature key \"nope\" not found.", error.Message);
    }

    [Fact]
    public async Task CancellationStopsTheReplay()
    {
        WarmupRecords.Write(_version, [WarmupRecords.Predict(1)]);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        var servable = new CancellingServable(_servable);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Replayer().WarmUpAsync(servable, _version, cancelled.Token));
    }

    private sealed class CancellingServable(IServable inner) : IServable
    {
        public ServableId Id => inner.Id;

        public string Platform => inner.Platform;

        public IReadOnlyDictionary<string, Signature> Signatures => inner.Signatures;

        public ValueTask<IReadOnlyDictionary<string, NServe.Core.Tensors.Tensor>> RunAsync(
            string signatureKey,
            IReadOnlyDictionary<string, NServe.Core.Tensors.Tensor> inputs,
            IReadOnlyCollection<string>? outputFilter,
            CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return inner.RunAsync(signatureKey, inputs, outputFilter, cancellationToken);
        }

        public void Dispose() => inner.Dispose();
    }
}
