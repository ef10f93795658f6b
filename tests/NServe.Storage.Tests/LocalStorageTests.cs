using Microsoft.Extensions.Logging.Abstractions;
using NServe.Core.Errors;
using NServe.Core.Management;
using NServe.Core.Servables;
using NServe.Core.Sources;
using NServe.Onnx;
using NServe.Storage.Tests.Infrastructure;

namespace NServe.Storage.Tests;

/// <summary>Local folders go through the same source: loaded in place, settled before loading, never copied.</summary>
public sealed class LocalStorageTests : IDisposable
{
    private readonly string _base = Directory.CreateTempSubdirectory("nserve-local-storage-").FullName;

    public void Dispose() => Directory.Delete(_base, recursive: true);

    [Fact]
    public async Task LocalVersionsLoadInPlaceAndNewOnesWaitToSettle()
    {
        await WriteAsync("1", 2);
        await using var harness = SourceHarness.Create(_ => null);
        await harness.WatchAsync(_base);
        Assert.Equal([1L], harness.Available());

        await WriteAsync("2", 5);
        await harness.PollAsync();
        Assert.Equal([1L], harness.Known());

        await harness.PollAsync();
        Assert.Equal([2L], harness.Available());
        Assert.Equal(5f, await harness.RunAsync(2));
        Assert.Empty(harness.CachedCopies());
    }

    [Fact]
    public async Task MissingBasePathIsReportedAndNothingIsOffered()
    {
        var missing = Path.Combine(_base, "absent");
        var storage = new LocalModelStorage(missing);

        var error = await Assert.ThrowsAsync<ModelStorageException>(() => storage.ListVersionsAsync(CancellationToken.None));

        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingBasePathShowsInTheStatusUntilItAppears()
    {
        var later = Path.Combine(_base, "later");
        await using var harness = SourceHarness.Create(_ => null);
        await harness.WatchAsync(later);

        var status = harness.OnlyStatus();
        Assert.Equal((0L, ServableState.End, StatusCode.NotFound), (status.Version, status.State, status.ErrorCode));
        Assert.Contains($"Could not find base path {later}", status.ErrorMessage, StringComparison.Ordinal);

        Directory.CreateDirectory(Path.Combine(later, "3"));
        await File.WriteAllBytesAsync(Path.Combine(later, "3", "model.onnx"), LinearModel.Bytes(1, 5));
        await harness.PollAsync();

        Assert.Equal(new VersionStatus(3, ServableState.Available, StatusCode.Ok, ""), harness.OnlyStatus());
        Assert.Equal(6f, await harness.RunAsync(3));
    }

    [Fact]
    public async Task ABasePathThatGoesAwayMarksTheServingVersionNotTheUnloadedOne()
    {
        var root = Path.Combine(_base, "moving");
        Directory.CreateDirectory(root);
        await File.WriteAllBytesAsync(Path.Combine(Directory.CreateDirectory(Path.Combine(root, "1")).FullName, "model.onnx"), LinearModel.Bytes(2, 0));
        await using var harness = SourceHarness.Create(_ => null);
        await harness.WatchAsync(root);
        await File.WriteAllBytesAsync(Path.Combine(Directory.CreateDirectory(Path.Combine(root, "2")).FullName, "model.onnx"), LinearModel.Bytes(3, 0));
        await harness.PollAsync();
        await harness.PollAsync();
        Assert.Equal([2L], harness.Available());

        Directory.Move(root, root + "-gone");
        await harness.PollAsync();

        var statuses = harness.Manager.GetVersionStatuses(SourceHarness.Model);
        Assert.Equal((2L, ServableState.Available, StatusCode.NotFound), (statuses[0].Version, statuses[0].State, statuses[0].ErrorCode));
        Assert.Contains("Could not find base path", statuses[0].ErrorMessage, StringComparison.Ordinal);
        Assert.Equal(new VersionStatus(1, ServableState.End, StatusCode.Ok, ""), statuses[1]);
        Assert.Equal(3f, await harness.RunAsync(2));

        Directory.Move(root + "-gone", root);
        await harness.PollAsync();
        Assert.Equal(new VersionStatus(2, ServableState.Available, StatusCode.Ok, ""), harness.Manager.GetVersionStatuses(SourceHarness.Model)[0]);
    }

    [Fact]
    public async Task PollsInQuickSuccessionDoNotSettleAVersionBeingCopied()
    {
        // A config reload polls at once, a moment after the timer's poll: a copy that wrote nothing in that
        // moment must not count as settled (found by bench/Chaos).
        await WriteAsync("1", 2);
        var pollInterval = TimeSpan.FromMilliseconds(600);
        await using var manager = new ServableManager([new OnnxLoader(new OnnxRuntimeOptions())], new ManagerOptions(), NullLogger<ServableManager>.Instance);
        var source = new FileSystemSource(manager, pollInterval, NullLogger<FileSystemSource>.Instance);
        await source.SetModelsAsync([new ModelSourceConfig("linear", _base, "onnx", new AllVersionsPolicy())], CancellationToken.None);

        await WriteAsync("2", 5);
        await source.PollOnceAsync(CancellationToken.None);
        await source.PollOnceAsync(CancellationToken.None);
        await source.PollOnceAsync(CancellationToken.None);
        Assert.DoesNotContain(manager.GetVersionStatuses("linear"), s => s.Version == 2);

        await Task.Delay(pollInterval);
        await source.PollOnceAsync(CancellationToken.None);
        await manager.WaitUntilIdleAsync(CancellationToken.None);
        Assert.Contains(manager.GetVersionStatuses("linear"), s => s.Version == 2 && s.State == ServableState.Available);
    }

    [Fact]
    public async Task ListingMatchesVersionFoldersWithFingerprints()
    {
        await WriteAsync("007", 1);
        Directory.CreateDirectory(Path.Combine(_base, "not-a-version"));

        var listed = Assert.Single(await new LocalModelStorage(_base).ListVersionsAsync(CancellationToken.None));

        Assert.Equal(7, listed.Version);
        Assert.Equal(FolderFingerprint.Compute(Path.Combine(_base, "007")), listed.Fingerprint);
        Assert.Equal(listed.Location, await new LocalModelStorage(_base).MaterializeAsync(listed, CancellationToken.None));
    }

    private Task WriteAsync(string folder, float a)
    {
        var path = Path.Combine(_base, folder);
        Directory.CreateDirectory(path);
        return File.WriteAllBytesAsync(Path.Combine(path, "model.onnx"), LinearModel.Bytes(a, 0));
    }
}
