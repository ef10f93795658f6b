using Microsoft.Extensions.Logging;
using NServe.Core.Errors;
using NServe.Core.Management;
using NServe.Core.Servables;
using NServe.Core.Sources;
using NServe.Storage.Tests.Infrastructure;

namespace NServe.Storage.Tests;

/// <summary>
/// What every object store must do under the file-system source, run against a real local emulator by
/// each store's test class: initial load, a version uploaded while serving, a half-uploaded version, a
/// deleted version, a store that disappears, and credentials that are refused.
/// </summary>
public abstract class RemoteStorageScenarios
{
    /// <summary>A new empty bucket or container.</summary>
    protected abstract Task<TestStore> NewStoreAsync();

    protected async Task LoadsTheVersionsPresentAtStart()
    {
        var store = await NewStoreAsync();
        await store.PutAsync("1/model.onnx", LinearModel.Bytes(2, 0));
        await store.PutAsync("1/assets/notes.txt", "kept beside the model"u8.ToArray());
        await store.PutAsync("2/model.onnx", LinearModel.Bytes(3, 0));
        await store.PutAsync("not-a-version/model.onnx", LinearModel.Bytes(9, 0));
        await using var harness = SourceHarness.Create(store.Lookup);

        await harness.WatchAsync(store.BasePath, new AllVersionsPolicy());

        Assert.Equal([1L, 2L], harness.Available().Order());
        Assert.Equal(2f, await harness.RunAsync(1));
        Assert.Equal(3f, await harness.RunAsync(2));
        var copies = harness.CachedCopies();
        Assert.Equal(2, copies.Count);
        var copyOfOne = Directory.EnumerateDirectories(harness.CacheRoot).SelectMany(Directory.EnumerateDirectories).Single(d => Path.GetFileName(d).StartsWith("1-", StringComparison.Ordinal));
        Assert.Equal("kept beside the model", await File.ReadAllTextAsync(Path.Combine(copyOfOne, "assets", "notes.txt")));
    }

    protected async Task LoadsAVersionUploadedWhileServingOnceItSettles()
    {
        var store = await NewStoreAsync();
        await store.PutAsync("1/model.onnx", LinearModel.Bytes(2, 0));
        await using var harness = SourceHarness.Create(store.Lookup);
        await harness.WatchAsync(store.BasePath);
        Assert.Equal([1L], harness.Available());

        await store.PutAsync("2/model.onnx", LinearModel.Bytes(5, 0));
        await harness.PollAsync();
        Assert.Equal([1L], harness.Known());
        Assert.Contains(harness.Log.Entries, e => e.Message.Contains("still changing", StringComparison.Ordinal));

        await harness.PollAsync();
        Assert.Equal([2L], harness.Available());
        Assert.Equal(5f, await harness.RunAsync(2));

        // Version 1 was unloaded after 2 became available; its copy goes at the next poll.
        await harness.PollAsync();
        Assert.Equal(["2-"], harness.CachedCopies().Select(c => c[..2]));
    }

    protected async Task DoesNotLoadAHalfUploadedVersion()
    {
        var store = await NewStoreAsync();
        await store.PutAsync("1/model.onnx", LinearModel.Bytes(2, 0));
        await using var harness = SourceHarness.Create(store.Lookup);
        await harness.WatchAsync(store.BasePath);

        await store.PutAsync("2/assets/vocab.txt", "a\nb\n"u8.ToArray());
        await harness.PollAsync();
        Assert.DoesNotContain(2L, harness.Known());

        await store.PutAsync("2/model.onnx", LinearModel.Bytes(7, 1));
        await harness.PollAsync();
        Assert.DoesNotContain(2L, harness.Known());
        Assert.Equal([1L], harness.Available());
        Assert.DoesNotContain(harness.CachedCopies(), c => c.StartsWith("2-", StringComparison.Ordinal));

        await harness.PollAsync();
        Assert.Equal([2L], harness.Available());
        Assert.Equal(8f, await harness.RunAsync(2));
    }

    protected async Task UnloadsADeletedVersionAndRemovesItsCopy()
    {
        var store = await NewStoreAsync();
        await store.PutAsync("1/model.onnx", LinearModel.Bytes(2, 0));
        await store.PutAsync("2/model.onnx", LinearModel.Bytes(3, 0));
        await using var harness = SourceHarness.Create(store.Lookup);
        await harness.WatchAsync(store.BasePath, new AllVersionsPolicy());
        Assert.Equal([1L, 2L], harness.Available().Order());

        await store.DeleteAsync("2/");
        await harness.PollAsync();
        Assert.Equal([1L], harness.Available());
        Assert.Equal(ServableState.End, harness.Manager.GetVersionStatuses(SourceHarness.Model).Single(s => s.Version == 2).State);

        await harness.PollAsync();
        Assert.Equal(["1-"], harness.CachedCopies().Select(c => c[..2]));
    }

    protected async Task NeverKeepsACopyOfAnObjectRewrittenAfterListing()
    {
        var store = await NewStoreAsync();
        await store.PutAsync("1/model.onnx", LinearModel.Bytes(2, 0));
        var cache = Path.Combine(Path.GetTempPath(), "nserve-storage-tests-" + Guid.NewGuid().ToString("N"));
        try
        {
            var storage = new ModelStorageRegistry(cache).AddCloudStorage(store.Lookup).Create("m", store.BasePath);
            var listed = Assert.Single(await storage.ListVersionsAsync(CancellationToken.None));

            await store.PutAsync("1/model.onnx", LinearModel.Bytes(3, 0));
            var error = await Assert.ThrowsAsync<ModelStorageException>(() => storage.MaterializeAsync(listed, CancellationToken.None));

            Assert.Contains("changed while it was being fetched", error.Message, StringComparison.Ordinal);
            Assert.Empty(Directory.Exists(cache) ? Directory.EnumerateDirectories(cache).SelectMany(Directory.EnumerateDirectories) : []);

            var relisted = Assert.Single(await storage.ListVersionsAsync(CancellationToken.None));
            Assert.NotEqual(listed.Fingerprint, relisted.Fingerprint);
            var copy = await storage.MaterializeAsync(relisted, CancellationToken.None);
            Assert.Equal(LinearModel.Bytes(3, 0), await File.ReadAllBytesAsync(Path.Combine(copy, "model.onnx")));
        }
        finally
        {
            if (Directory.Exists(cache))
            {
                Directory.Delete(cache, recursive: true);
            }
        }
    }

    protected async Task KeepsServingWhenTheStoreDisappears(string expectedError)
    {
        var store = await NewStoreAsync();
        await store.PutAsync("1/model.onnx", LinearModel.Bytes(2, 0));
        await using var harness = SourceHarness.Create(store.Lookup);
        await harness.WatchAsync(store.BasePath);

        await store.DeleteStoreAsync();
        await harness.PollAsync();

        Assert.Equal([1L], harness.Available());
        Assert.Equal(2f, await harness.RunAsync(1));
        Assert.Contains(harness.Log.Entries, e => e.Level == LogLevel.Error && e.Message.Contains(expectedError, StringComparison.Ordinal));

        // The status says it too, on the version that keeps serving.
        var status = harness.OnlyStatus();
        Assert.Equal((1L, ServableState.Available, StatusCode.NotFound), (status.Version, status.State, status.ErrorCode));
        Assert.Contains(expectedError, status.ErrorMessage, StringComparison.Ordinal);

        // Once the store is back, the next poll that lists it clears the error.
        await store.CreateStoreAsync();
        await store.PutAsync("1/model.onnx", LinearModel.Bytes(2, 0));
        await harness.PollAsync();
        Assert.Equal(new VersionStatus(1, ServableState.Available, StatusCode.Ok, ""), harness.OnlyStatus());
        Assert.Equal(2f, await harness.RunAsync(1));
    }

    protected async Task ReportsAMissingStoreInTheStatusUntilItIsCreated(string expectedError)
    {
        var store = await NewStoreAsync();
        await store.DeleteStoreAsync();
        await using var harness = SourceHarness.Create(store.Lookup);

        await harness.WatchAsync(store.BasePath);

        // No version known yet: the error stands as version 0, state END (see docs/storage.md).
        var status = harness.OnlyStatus();
        Assert.Equal((0L, ServableState.End, StatusCode.NotFound), (status.Version, status.State, status.ErrorCode));
        Assert.Contains(expectedError, status.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains(store.BasePath, status.ErrorMessage, StringComparison.Ordinal);

        await store.CreateStoreAsync();
        await store.PutAsync("1/model.onnx", LinearModel.Bytes(4, 0));
        await harness.PollAsync();

        Assert.Equal(new VersionStatus(1, ServableState.Available, StatusCode.Ok, ""), harness.OnlyStatus());
        Assert.Equal(4f, await harness.RunAsync(1));
    }

    protected static async Task ReportsRefusedCredentials(Func<string, string?> environment, string basePath, string expectedError, StatusCode expectedCode)
    {
        await using var harness = SourceHarness.Create(environment);

        await harness.WatchAsync(basePath);

        var error = Assert.Single(harness.Log.Entries, e => e.Level == LogLevel.Error);
        Assert.True(error.Message.Contains(expectedError, StringComparison.Ordinal), $"Expected \"{expectedError}\" in: {error.Message}");
        var status = harness.OnlyStatus();
        Assert.Equal((0L, ServableState.End, expectedCode), (status.Version, status.State, status.ErrorCode));
        Assert.Contains(expectedError, status.ErrorMessage, StringComparison.Ordinal);
    }

    /// <summary>A store endpoint where nothing listens: the status says it cannot be reached, and polling goes on.</summary>
    protected static async Task ReportsAnUnreachableEndpoint(Func<string, string?> environment, string basePath, string expectedError)
    {
        await using var harness = SourceHarness.Create(environment);

        await harness.WatchAsync(basePath);

        var status = harness.OnlyStatus();
        Assert.Equal((0L, ServableState.End, StatusCode.Unavailable), (status.Version, status.State, status.ErrorCode));
        Assert.True(status.ErrorMessage.Contains(expectedError, StringComparison.Ordinal), $"Expected \"{expectedError}\" in: {status.ErrorMessage}");

        await harness.PollAsync();
        Assert.Equal(2, harness.Log.Entries.Count(e => e.Level == LogLevel.Error && e.Message.Contains(expectedError, StringComparison.Ordinal)));
    }
}
