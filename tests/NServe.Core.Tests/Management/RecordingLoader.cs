using NServe.Core.Errors;
using NServe.Core.Servables;
using NServe.Core.Tensors;

namespace NServe.Core.Tests.Management;

/// <summary>
/// A loader for manager tests: "loads" a version folder holding a file named <c>model.fake</c>, whose text
/// "fail" makes the load fail, and whose load can be held back by a gate to observe the manager mid-load.
/// </summary>
internal sealed class RecordingLoader : IServableLoader
{
    public string Platform => "fake";

    public TaskCompletionSource? Gate { get; set; }

    public List<RecordingServable> Loaded { get; } = [];

    public bool CanLoad(string versionPath) => File.Exists(Path.Combine(versionPath, "model.fake"));

    public async Task<IServable> LoadAsync(ServableId id, string versionPath, CancellationToken cancellationToken)
    {
        if (Gate is { } gate)
        {
            await gate.Task;
        }

        if (File.ReadAllText(Path.Combine(versionPath, "model.fake")) == "fail")
        {
            throw ServingException.InvalidArgument($"corrupt model in {versionPath}");
        }

        var servable = new RecordingServable(id);
        lock (Loaded)
        {
            Loaded.Add(servable);
        }

        return servable;
    }
}

internal sealed class RecordingServable(ServableId id) : IServable
{
    public ServableId Id { get; } = id;

    public string Platform => "fake";

    public bool Disposed { get; private set; }

    public IReadOnlyDictionary<string, Signature> Signatures { get; } = new Dictionary<string, Signature>();

    public ValueTask<IReadOnlyDictionary<string, Tensor>> RunAsync(
        string signatureKey,
        IReadOnlyDictionary<string, Tensor> inputs,
        IReadOnlyCollection<string>? outputFilter,
        CancellationToken cancellationToken) => throw new NotSupportedException();

    public void Dispose() => Disposed = true;
}
