using Microsoft.Extensions.Logging.Abstractions;
using NServe.Core.Management;
using NServe.Core.Servables;
using NServe.Core.Sources;
using NServe.Core.Tensors;
using NServe.Onnx;

namespace NServe.Storage.Tests.Infrastructure;

/// <summary>
/// A real manager with the ONNX loader fed by a real file-system source over the cloud stores, polled by
/// the test (poll interval 0) so every step is deterministic.
/// </summary>
public sealed class SourceHarness : IAsyncDisposable
{
    public const string Model = "linear";

    private SourceHarness(Func<string, string?> environment)
    {
        CacheRoot = Path.Combine(Path.GetTempPath(), "nserve-storage-tests-" + Guid.NewGuid().ToString("N"));
        Manager = new ServableManager(
            [new OnnxLoader(new OnnxRuntimeOptions())],
            new ManagerOptions { MaxLoadRetries = 0 },
            NullLogger<ServableManager>.Instance);
        Source = new FileSystemSource(Manager, TimeSpan.Zero, Log, new ModelStorageRegistry(CacheRoot).AddCloudStorage(environment));
    }

    public ServableManager Manager { get; }

    public FileSystemSource Source { get; }

    public RecordingLogger<FileSystemSource> Log { get; } = new();

    public string CacheRoot { get; }

    public static SourceHarness Create(Func<string, string?> environment) => new(environment);

    /// <summary>Watches <paramref name="basePath"/> and waits for the loads it starts.</summary>
    public async Task WatchAsync(string basePath, IVersionPolicy? policy = null)
    {
        await Source.SetModelsAsync([new ModelSourceConfig(Model, basePath, "onnx", policy ?? new LatestVersionsPolicy())], CancellationToken.None);
        await Manager.WaitUntilIdleAsync(CancellationToken.None);
    }

    public async Task PollAsync()
    {
        await Source.PollOnceAsync(CancellationToken.None);
        await Manager.WaitUntilIdleAsync(CancellationToken.None);
    }

    public IReadOnlyList<long> Available() =>
        Manager.GetVersionStatuses(Model).Where(s => s.State == ServableState.Available).Select(s => s.Version).ToList();

    /// <summary>The single status line of the model (asserting there is exactly one).</summary>
    public VersionStatus OnlyStatus() => Assert.Single(Manager.GetVersionStatuses(Model));

    public IReadOnlyList<long> Known() => Manager.GetVersionStatuses(Model).Select(s => s.Version).ToList();

    /// <summary>Runs version <paramref name="version"/> on x = 1 and returns y (a + b of that version).</summary>
    public async Task<float> RunAsync(long version)
    {
        using var handle = Manager.GetHandle(ServableRequest.Specific(Model, version));
        var signature = handle.Servable.Signatures.First();
        var input = signature.Value.Inputs.First().Key;
        using var x = Tensor.FromValues<float>(TensorDataType.Float, [1], [1f]);
        var outputs = await handle.Servable.RunAsync(signature.Key, new Dictionary<string, Tensor> { [input] = x }, null, CancellationToken.None);
        var y = outputs.Values.Single();
        var value = y.AsSpan<float>()[0];
        y.Dispose();
        return value;
    }

    /// <summary>The version copies in the cache, as folder names (<c>2-ABCD…</c>).</summary>
    public IReadOnlyList<string> CachedCopies() =>
        Directory.Exists(CacheRoot)
            ? Directory.EnumerateDirectories(CacheRoot).SelectMany(Directory.EnumerateDirectories).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToList()
            : [];

    public async ValueTask DisposeAsync()
    {
        await Manager.DisposeAsync();
        if (Directory.Exists(CacheRoot))
        {
            Directory.Delete(CacheRoot, recursive: true);
        }
    }
}
