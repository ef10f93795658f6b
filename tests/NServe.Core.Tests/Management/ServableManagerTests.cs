using Microsoft.Extensions.Logging.Abstractions;
using NServe.Core.Errors;
using NServe.Core.Management;
using NServe.Core.Servables;
using NServe.Core.Sources;

namespace NServe.Core.Tests.Management;

public sealed class ServableManagerTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("nserve-manager-").FullName;
    private readonly RecordingLoader _loader = new();

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private AspiredVersion Version(long number, string content = "ok")
    {
        var path = Path.Combine(_root, number.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Directory.CreateDirectory(path);
        File.WriteAllText(Path.Combine(path, "model.fake"), content);
        return new AspiredVersion(number, path);
    }

    private ServableManager NewManager() => new([_loader], new ManagerOptions(), NullLogger<ServableManager>.Instance);

    [Fact]
    public async Task ServesTheLoadedVersionAndReportsItAvailable()
    {
        await using var manager = NewManager();
        manager.SetAspiredVersions("m", null, [Version(7)]);
        await manager.WaitUntilIdleAsync(CancellationToken.None);

        using var handle = manager.GetHandle(ServableRequest.Latest("m"));
        Assert.Equal(new ServableId("m", 7), handle.Id);
        var status = Assert.Single(manager.GetVersionStatuses("m"));
        Assert.Equal(ServableState.Available, status.State);
        Assert.Equal(StatusCode.Ok, status.ErrorCode);
    }

    [Fact]
    public async Task NewVersionReplacesOldOnlyAfterItLoads()
    {
        await using var manager = NewManager();
        manager.SetAspiredVersions("m", null, [Version(1)]);
        await manager.WaitUntilIdleAsync(CancellationToken.None);

        _loader.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        manager.SetAspiredVersions("m", null, [Version(2)]);
        await Task.Delay(50);
        using (var during = manager.GetHandle(ServableRequest.Latest("m")))
        {
            Assert.Equal(1, during.Id.Version);
        }

        _loader.Gate.SetResult();
        await manager.WaitUntilIdleAsync(CancellationToken.None);
        using var after = manager.GetHandle(ServableRequest.Latest("m"));
        Assert.Equal(2, after.Id.Version);
        Assert.True(_loader.Loaded.Single(s => s.Id.Version == 1).Disposed);
        Assert.Equal([2L, 1L], manager.GetVersionStatuses("m").Select(s => s.Version));
        Assert.Equal(ServableState.End, manager.GetVersionStatuses("m")[1].State);
    }

    [Fact]
    public async Task FailedNewVersionLeavesOldServingAndShowsTheError()
    {
        await using var manager = NewManager();
        manager.SetAspiredVersions("m", null, [Version(1)]);
        await manager.WaitUntilIdleAsync(CancellationToken.None);
        manager.SetAspiredVersions("m", null, [Version(2, "fail")]);
        await manager.WaitUntilIdleAsync(CancellationToken.None);

        using var handle = manager.GetHandle(ServableRequest.Latest("m"));
        Assert.Equal(1, handle.Id.Version);
        var failed = manager.GetVersionStatuses("m")[0];
        Assert.Equal(2, failed.Version);
        Assert.Equal(ServableState.End, failed.State);
        Assert.Equal(StatusCode.InvalidArgument, failed.ErrorCode);
        Assert.Contains("corrupt model", failed.ErrorMessage);
        Assert.False(_loader.Loaded.Single().Disposed);
    }

    [Fact]
    public async Task ARequestInFlightKeepsItsVersionAliveUntilItEnds()
    {
        await using var manager = NewManager();
        manager.SetAspiredVersions("m", null, [Version(1)]);
        await manager.WaitUntilIdleAsync(CancellationToken.None);
        var held = manager.GetHandle(ServableRequest.Latest("m"));

        manager.SetAspiredVersions("m", null, [Version(2)]);
        await Task.Delay(200);
        var old = _loader.Loaded.Single(s => s.Id.Version == 1);
        Assert.False(old.Disposed);
        Assert.Equal(ServableState.Unloading, manager.GetVersionStatuses("m")[1].State);

        held.Dispose();
        await manager.WaitUntilIdleAsync(CancellationToken.None);
        Assert.True(old.Disposed);
        Assert.Equal(ServableState.End, manager.GetVersionStatuses("m")[1].State);
    }

    [Fact]
    public async Task UnknownModelAndVersionAreNotFoundInTfServingsWords()
    {
        await using var manager = NewManager();
        manager.SetAspiredVersions("m", null, [Version(3)]);
        await manager.WaitUntilIdleAsync(CancellationToken.None);

        var unknown = Assert.Throws<ServingException>(() => manager.GetHandle(ServableRequest.Latest("other")));
        Assert.Equal(StatusCode.NotFound, unknown.Code);
        Assert.Equal("Servable not found for request: Latest(other)", unknown.Message);
        var version = Assert.Throws<ServingException>(() => manager.GetHandle(ServableRequest.Specific("m", 4)));
        Assert.Equal("Servable not found for request: Specific(m, 4)", version.Message);
        var label = Assert.Throws<ServingException>(() => manager.GetHandle(new ServableRequest("m", Label: "stable")));
        Assert.Equal(StatusCode.InvalidArgument, label.Code);
        Assert.Equal("Unrecognized servable version label: stable", label.Message);
        using var specific = manager.GetHandle(ServableRequest.Specific("m", 3));
        Assert.Equal(3, specific.Id.Version);
    }

    [Fact]
    public async Task AVersionNoLongerWantedIsUnloadedWhenNothingReplacesIt()
    {
        await using var manager = NewManager();
        manager.SetAspiredVersions("m", null, [Version(1)]);
        await manager.WaitUntilIdleAsync(CancellationToken.None);
        manager.SetAspiredVersions("m", null, []);
        await manager.WaitUntilIdleAsync(CancellationToken.None);

        Assert.Throws<ServingException>(() => manager.GetHandle(ServableRequest.Latest("m")));
        Assert.True(_loader.Loaded.Single().Disposed);
    }

    [Fact]
    public async Task AFolderWithNoKnownModelFileFailsWithAClearMessage()
    {
        await using var manager = NewManager();
        var empty = Path.Combine(_root, "5");
        Directory.CreateDirectory(empty);
        manager.SetAspiredVersions("m", null, [new AspiredVersion(5, empty)]);
        await manager.WaitUntilIdleAsync(CancellationToken.None);

        var status = Assert.Single(manager.GetVersionStatuses("m"));
        Assert.Equal(ServableState.End, status.State);
        Assert.Contains("model.onnx", status.ErrorMessage);
    }

    [Fact]
    public async Task ManyConcurrentRequestsDuringSwapsAlwaysGetALiveVersion()
    {
        await using var manager = NewManager();
        manager.SetAspiredVersions("m", null, [Version(1)]);
        await manager.WaitUntilIdleAsync(CancellationToken.None);
        using var stop = new CancellationTokenSource();
        var failures = 0;
        var readers = Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var handle = manager.GetHandle(ServableRequest.Latest("m"));
                if (((RecordingServable)handle.Servable).Disposed)
                {
                    Interlocked.Increment(ref failures);
                }
            }
        })).ToArray();

        for (var v = 2; v <= 20; v++)
        {
            manager.SetAspiredVersions("m", null, [Version(v)]);
            await manager.WaitUntilIdleAsync(CancellationToken.None);
        }

        stop.Cancel();
        await Task.WhenAll(readers);
        Assert.Equal(0, failures);
        Assert.Equal(19, _loader.Loaded.Count(s => s.Disposed));
    }
}
