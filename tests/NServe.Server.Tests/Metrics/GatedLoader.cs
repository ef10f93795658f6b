using NServe.Core.Errors;
using NServe.Core.Servables;
using NServe.Core.Tensors;

namespace NServe.Server.Tests.Metrics;

/// <summary>
/// A loader whose loads finish only when the test says so (or fail with the error it is given), so a
/// test can look at the server while a version is still loading.
/// </summary>
internal sealed class GatedLoader : IServableLoader
{
    private readonly TaskCompletionSource<ServingException?> _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Platform => "gated";

    public bool CanLoad(string versionPath) => true;

    public void Finish() => _gate.TrySetResult(null);

    public void Fail(ServingException error) => _gate.TrySetResult(error);

    public async Task<IServable> LoadAsync(ServableId id, string versionPath, CancellationToken cancellationToken)
    {
        var error = await _gate.Task.WaitAsync(cancellationToken);
        return error is null ? new EmptyServable(id) : throw error;
    }

    private sealed class EmptyServable(ServableId id) : IServable
    {
        public ServableId Id { get; } = id;

        public string Platform => "gated";

        public IReadOnlyDictionary<string, Signature> Signatures { get; } = new Dictionary<string, Signature>();

        public ValueTask<IReadOnlyDictionary<string, Tensor>> RunAsync(
            string signatureKey,
            IReadOnlyDictionary<string, Tensor> inputs,
            IReadOnlyCollection<string>? outputFilter,
            CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public void Dispose()
        {
        }
    }
}
