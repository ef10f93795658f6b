using NServe.Core.Batching;

namespace NServe.Core.Tests.Batching;

/// <summary>enable_large_batch_splitting with max_execution_batch_size.</summary>
public sealed class LargeBatchSplittingTests
{
    private static BatchingOptions Splitting(long maxBatchSize, long maxExecutionBatchSize) => new()
    {
        NumBatchThreads = 1,
        MaxBatchSize = maxBatchSize,
        EnableLargeBatchSplitting = true,
        MaxExecutionBatchSize = maxExecutionBatchSize,
    };

    [Fact]
    public async Task A_large_task_runs_in_batches_of_the_execution_size_and_comes_back_whole()
    {
        using var harness = new BatchingHarness(Splitting(10, 4));
        var large = RowFunctionServable.Input(10, 3, 0);

        using var output = new OutputScope(await harness.Run(large));

        Assert.Equal([4, 4, 2], harness.Model.Runs.Select(r => r.Rows));
        RowFunctionServable.AssertOwnRows(large, output.Outputs);
        BatchingServableTests.DisposeAll([large], []);
    }

    [Fact]
    public async Task The_first_part_of_a_split_task_fills_the_open_batch()
    {
        using var harness = new BatchingHarness(Splitting(10, 4));
        var held = await harness.HoldBatchThreadAsync();
        var small = RowFunctionServable.Input(1, 2, 0);
        var large = RowFunctionServable.Input(6, 2, 100);
        var pending = new[] { harness.Run(small), harness.Run(large) };

        harness.Release();
        var results = await Task.WhenAll(pending);
        using var heldOut = new OutputScope(await held);

        var runs = harness.Model.Runs.ToList();
        Assert.Equal([1, 4, 3], runs.Select(r => r.Rows));
        Assert.Equal([0f, 1f, 100f, 101f, 102f, 103f, 104f, 105f], runs[1].Input);
        Assert.Equal([106f, 107f, 108f, 109f, 110f, 111f], runs[2].Input);
        RowFunctionServable.AssertOwnRows(small, results[0]);
        RowFunctionServable.AssertOwnRows(large, results[1]);
        BatchingServableTests.DisposeAll([small, large], results);
    }

    [Fact]
    public async Task Split_parts_are_padded_to_allowed_sizes_like_any_batch()
    {
        using var harness = new BatchingHarness(Splitting(8, 4) with { AllowedBatchSizes = [2, 4, 8] });
        var five = RowFunctionServable.Input(5, 1, 0);

        using var output = new OutputScope(await harness.Run(five));

        Assert.Equal([4, 2], harness.Model.Runs.Select(r => r.Rows));
        Assert.Equal([4f, 4f], harness.Model.Runs.Last().Input);
        RowFunctionServable.AssertOwnRows(five, output.Outputs);
        BatchingServableTests.DisposeAll([five], []);
    }

    [Fact]
    public async Task Concurrent_split_tasks_each_get_their_own_rows()
    {
        using var harness = new BatchingHarness(Splitting(12, 5) with { NumBatchThreads = 2, MaxEnqueuedBatches = 10_000 });
        var random = new Random(11);
        var requests = Enumerable.Range(0, 120).Select(i => RowFunctionServable.Input(random.Next(1, 13), 2, i * 1000)).ToList();

        var results = await Task.WhenAll(requests.Select(r => Task.Run(() => harness.Run(r))));

        for (var i = 0; i < requests.Count; i++)
        {
            RowFunctionServable.AssertOwnRows(requests[i], results[i]);
        }

        Assert.All(harness.Model.Runs, run => Assert.InRange(run.Rows, 1, 5));
        BatchingServableTests.DisposeAll(requests, results);
    }
}
