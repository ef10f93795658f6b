using NServe.Core.Batching;
using NServe.Core.Servables;
using NServe.Core.Tensors;

namespace NServe.Core.Tests.Batching;

/// <summary>
/// A <see cref="RowFunctionServable"/> behind a <see cref="BatchingServable"/> on its own scheduler (one batch
/// thread unless the options say otherwise), with a way to keep the batch thread busy so that tasks line up.
/// </summary>
internal sealed class BatchingHarness : IDisposable
{
    public BatchingHarness(BatchingOptions options)
    {
        Scheduler = new BatchScheduler(options);
        Servable = new BatchingServable(Model, Scheduler, options);
    }

    public RowFunctionServable Model { get; } = new();

    public BatchScheduler Scheduler { get; }

    public BatchingServable Servable { get; }

    public static BatchingOptions OneThread(long maxBatchSize = 1000) => new() { NumBatchThreads = 1, MaxBatchSize = maxBatchSize, MaxExecutionBatchSize = maxBatchSize };

    public Task<IReadOnlyDictionary<string, Tensor>> Run(
        IReadOnlyDictionary<string, Tensor> inputs,
        CancellationToken cancellationToken = default,
        IReadOnlyCollection<string>? outputFilter = null) =>
        Servable.RunAsync(Signature.DefaultKey, inputs, outputFilter, cancellationToken).AsTask();

    /// <summary>Starts a one-row run and waits until the batch thread is inside the model with it, held at the gate.</summary>
    public async Task<Task<IReadOnlyDictionary<string, Tensor>>> HoldBatchThreadAsync()
    {
        Model.Gate = new ManualResetEventSlim(false);
        var held = Run(RowFunctionServable.Input(1, 2, -100));
        Assert.True(await Model.WaitForRunStartAsync(), "the held run never started");
        return held;
    }

    public void Release() => Model.Gate?.Set();

    public void Dispose()
    {
        Release();
        Servable.Dispose();
        Scheduler.Dispose();
    }
}
