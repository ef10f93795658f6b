using Microsoft.Extensions.Logging.Abstractions;
using NServe.Core.Errors;
using NServe.Core.Management;
using NServe.Core.Servables;
using NServe.Core.Sources;
using NServe.Core.Tests.Management;
using NServe.Core.Warmup;

namespace NServe.Core.Tests.Warmup;

/// <summary>The manager's warmup hook: a version is served only after its warmup, and a failed warmup fails the load.</summary>
public sealed class ManagerWarmupTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("nserve-manager-warmup-").FullName;
    private readonly RecordingLoader _loader = new();

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private AspiredVersion Version(long number)
    {
        var path = Path.Combine(_root, number.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Directory.CreateDirectory(path);
        File.WriteAllText(Path.Combine(path, "model.fake"), "ok");
        return new AspiredVersion(number, path);
    }

    private ServableManager NewManager(Func<IServable, string, CancellationToken, Task> warmup) =>
        new([_loader], new ManagerOptions { Warmup = warmup }, NullLogger<ServableManager>.Instance);

    [Fact]
    public async Task AVersionIsNotServedUntilItsWarmupFinishes()
    {
        var warming = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var warmedPath = "";
        await using var manager = NewManager(async (servable, path, _) =>
        {
            warmedPath = path;
            warming.SetResult();
            await release.Task;
        });

        var version = Version(3);
        manager.SetAspiredVersions("m", null, [version]);
        await warming.Task.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(ServableState.Loading, Assert.Single(manager.GetVersionStatuses("m")).State);
        Assert.False(manager.IsAvailable("m", 3));
        Assert.Throws<ServingException>(() => manager.GetHandle(ServableRequest.Latest("m")));

        release.SetResult();
        await manager.WaitUntilIdleAsync(CancellationToken.None);
        using var handle = manager.GetHandle(ServableRequest.Latest("m"));
        Assert.Equal(3, handle.Id.Version);
        Assert.Equal(version.Path, warmedPath);
    }

    [Fact]
    public async Task AFailedWarmupEndsTheVersionWithItsErrorAndReleasesTheServable()
    {
        await using var manager = NewManager((_, path, _) =>
            throw new ServingException(StatusCode.DataLoss, $"corrupted record at 0 (record 1) in {path}"));

        manager.SetAspiredVersions("m", null, [Version(1)]);
        await manager.WaitUntilIdleAsync(CancellationToken.None);

        var status = Assert.Single(manager.GetVersionStatuses("m"));
        Assert.Equal(ServableState.End, status.State);
        Assert.Equal(StatusCode.DataLoss, status.ErrorCode);
        Assert.Contains("corrupted record at 0", status.ErrorMessage);
        Assert.True(Assert.Single(_loader.Loaded).Disposed);
    }

    [Fact]
    public async Task TheReplayerPlugsIntoTheManager()
    {
        var version = Version(2);
        var servable = new WarmupTestServable(new ServableId("m", 2));
        WarmupRecords.Write(version.Path, [WarmupRecords.Predict(7)]);
        var replayer = new WarmupReplayer(new WarmupOptions { NumRequestIterations = 2 }, NullLogger<WarmupReplayer>.Instance);
        IServable? warmed = null;
        await using var manager = NewManager(async (loaded, path, ct) =>
        {
            warmed = loaded;
            await replayer.WarmUpAsync(servable, path, ct);
        });

        manager.SetAspiredVersions("m", null, [version]);
        await manager.WaitUntilIdleAsync(CancellationToken.None);

        Assert.True(manager.IsAvailable("m", 2));
        Assert.Same(_loader.Loaded.Single(), warmed);
        Assert.Equal([7f, 7f], servable.Runs.Select(r => r.X));
    }
}
