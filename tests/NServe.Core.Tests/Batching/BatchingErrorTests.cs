using NServe.Core.Batching;
using NServe.Core.Errors;
using NServe.Core.Tensors;

namespace NServe.Core.Tests.Batching;

/// <summary>The batching layer's errors, with TF Serving's codes and texts (behaviour.md §1).</summary>
public sealed class BatchingErrorTests
{
    [Fact]
    public async Task An_input_without_a_batch_dimension_is_rejected()
    {
        using var harness = new BatchingHarness(BatchingHarness.OneThread());
        using var scalar = Tensor.FromValues<float>(TensorDataType.Float, [], [1f]);

        var error = await Assert.ThrowsAsync<ServingException>(() => harness.Run(new Dictionary<string, Tensor> { ["x"] = scalar }));

        Assert.Equal(StatusCode.InvalidArgument, error.Code);
        Assert.Equal("Batching Run() input tensors must have at least one dimension", error.Message);
        Assert.Empty(harness.Model.Runs);
    }

    [Fact]
    public async Task Inputs_with_different_batch_sizes_are_rejected()
    {
        using var harness = new BatchingHarness(BatchingHarness.OneThread());
        using var a = Tensor.FromValues<float>(TensorDataType.Float, [2, 1], [1f, 2f]);
        using var b = Tensor.FromValues<float>(TensorDataType.Float, [3], [1f, 2f, 3f]);

        var error = await Assert.ThrowsAsync<ServingException>(() => harness.Run(new Dictionary<string, Tensor> { ["x"] = a, ["z"] = b }));

        Assert.Equal(StatusCode.InvalidArgument, error.Code);
        Assert.Equal("Batching Run() input tensors must have equal 0th-dimension size", error.Message);
    }

    [Fact]
    public async Task A_call_without_inputs_is_rejected()
    {
        using var harness = new BatchingHarness(BatchingHarness.OneThread());

        var error = await Assert.ThrowsAsync<ServingException>(() => harness.Run(new Dictionary<string, Tensor>()));

        Assert.Equal(StatusCode.InvalidArgument, error.Code);
        Assert.Equal("Batching Run() must have at least one input tensor", error.Message);
    }

    [Fact]
    public async Task A_task_larger_than_max_batch_size_is_rejected()
    {
        using var harness = new BatchingHarness(BatchingHarness.OneThread(maxBatchSize: 4));
        var input = RowFunctionServable.Input(5, 2, 0);

        var error = await Assert.ThrowsAsync<ServingException>(() => harness.Run(input));

        Assert.Equal(StatusCode.InvalidArgument, error.Code);
        Assert.Equal("Task size 5 is larger than maximum input batch size 4", error.Message);
        BatchingServableTests.DisposeAll([input], []);
    }

    [Fact]
    public async Task A_task_that_does_not_fit_a_full_queue_is_turned_away_as_unavailable()
    {
        using var harness = new BatchingHarness(BatchingHarness.OneThread(maxBatchSize: 2) with { MaxEnqueuedBatches = 1 });
        var held = await harness.HoldBatchThreadAsync();
        var fills = RowFunctionServable.Input(2, 2, 0);
        var overflow = RowFunctionServable.Input(1, 2, 10);
        var queued = harness.Run(fills);

        var error = await Assert.ThrowsAsync<ServingException>(() => harness.Run(overflow));

        Assert.Equal(StatusCode.Unavailable, error.Code);
        Assert.Equal(
            "The batch scheduling queue to which this task was submitted is full; currently 1 batches enqueued and max_enqueued_batches is 1",
            error.Message);
        harness.Release();
        using var heldOut = new OutputScope(await held);
        using var queuedOut = new OutputScope(await queued);
        RowFunctionServable.AssertOwnRows(fills, queuedOut.Outputs);
        BatchingServableTests.DisposeAll([fills, overflow], []);
    }

    [Fact]
    public async Task With_splitting_a_task_beyond_the_queue_capacity_is_turned_away_with_the_capacity()
    {
        var options = new BatchingOptions
        {
            NumBatchThreads = 1,
            MaxBatchSize = 8,
            EnableLargeBatchSplitting = true,
            MaxExecutionBatchSize = 2,
            MaxEnqueuedBatches = 2,
        };
        using var harness = new BatchingHarness(options);
        var held = await harness.HoldBatchThreadAsync();
        var first = RowFunctionServable.Input(1, 2, 0);
        var tooMany = RowFunctionServable.Input(4, 2, 10);
        var queued = harness.Run(first);

        var error = await Assert.ThrowsAsync<ServingException>(() => harness.Run(tooMany));

        Assert.Equal(StatusCode.Unavailable, error.Code);
        Assert.Equal(
            "The batch scheduling queue to which this task was submitted is full; task size is 4 but scheduling capacity is only 3 " +
            "(num_enqueued_batches=1, max_enqueued_batches=2, open_batch_size=1, max_execution_batch_size=2)",
            error.Message);
        harness.Release();
        using var heldOut = new OutputScope(await held);
        using var queuedOut = new OutputScope(await queued);
        BatchingServableTests.DisposeAll([first, tooMany], []);
    }

    [Fact]
    public async Task A_task_cancelled_while_queued_fails_at_once_as_resource_exhausted_and_is_never_run()
    {
        using var harness = new BatchingHarness(BatchingHarness.OneThread());
        var held = await harness.HoldBatchThreadAsync();
        using var deadline = new CancellationTokenSource();
        var expiring = RowFunctionServable.Input(1, 2, 500);
        var staying = RowFunctionServable.Input(1, 2, 600);
        var expired = harness.Run(expiring, deadline.Token);
        var kept = harness.Run(staying);

        deadline.Cancel();
        var error = await Assert.ThrowsAsync<ServingException>(() => expired).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(StatusCode.ResourceExhausted, error.Code);
        Assert.Equal("Run() timeout exceeded while waiting in batching queue", error.Message);
        Assert.False(kept.IsCompleted);
        harness.Release();
        using var keptOut = new OutputScope(await kept);
        using var heldOut = new OutputScope(await held);
        RowFunctionServable.AssertOwnRows(staying, keptOut.Outputs);
        // The batch after the held one holds only the task still waited for.
        Assert.Equal([600f, 601f], harness.Model.Runs.Last().Input);
        BatchingServableTests.DisposeAll([expiring, staying], []);
    }

    [Fact]
    public async Task A_task_whose_deadline_already_passed_fails_as_resource_exhausted()
    {
        using var harness = new BatchingHarness(BatchingHarness.OneThread());
        var input = RowFunctionServable.Input(1, 2, 0);

        var error = await Assert.ThrowsAsync<ServingException>(() => harness.Run(input, new CancellationToken(canceled: true)));

        Assert.Equal(StatusCode.ResourceExhausted, error.Code);
        Assert.Empty(harness.Model.Runs);
        BatchingServableTests.DisposeAll([input], []);
    }

    [Fact]
    public async Task Outputs_without_one_row_per_batch_row_fail_the_batch_as_failed_precondition()
    {
        using var harness = new BatchingHarness(BatchingHarness.OneThread());
        harness.Model.DropLastRow = true;
        var input = RowFunctionServable.Input(2, 2, 0);

        var error = await Assert.ThrowsAsync<ServingException>(() => harness.Run(input));

        Assert.Equal(StatusCode.FailedPrecondition, error.Code);
        Assert.Equal(
            "Batched output tensor's 0th dimension does not equal the sum of the 0th dimension sizes of the input tensors", error.Message);
        BatchingServableTests.DisposeAll([input], []);
    }
}
