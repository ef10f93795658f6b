using NServe.Core.Batching;
using NServe.Core.Tensors;

namespace NServe.Core.Tests.Batching;

public sealed class BatchingServableTests
{
    [Fact]
    public async Task Concurrent_callers_of_mixed_sizes_each_get_exactly_their_own_rows()
    {
        using var harness = new BatchingHarness(new BatchingOptions { NumBatchThreads = 2, MaxBatchSize = 32, MaxExecutionBatchSize = 32, MaxEnqueuedBatches = 10_000 });
        var random = new Random(7);
        var requests = Enumerable.Range(0, 400)
            .Select(i => RowFunctionServable.Input(random.Next(1, 6), 3, i * 100))
            .ToList();

        var results = await Task.WhenAll(requests.Select(r => Task.Run(() => harness.Run(r))));

        for (var i = 0; i < requests.Count; i++)
        {
            RowFunctionServable.AssertOwnRows(requests[i], results[i]);
        }

        var runs = harness.Model.Runs.ToList();
        Assert.Equal(requests.Sum(r => r["x"].Shape[0]), runs.Sum(r => r.Rows));
        Assert.All(runs, run => Assert.InRange(run.Rows, 1, 32));
        DisposeAll(requests, results);
    }

    [Fact]
    public async Task Tasks_waiting_behind_a_running_batch_run_together_as_one_batch()
    {
        using var harness = new BatchingHarness(BatchingHarness.OneThread());
        var held = await harness.HoldBatchThreadAsync();
        var requests = new[] { RowFunctionServable.Input(2, 3, 0), RowFunctionServable.Input(1, 3, 10), RowFunctionServable.Input(3, 3, 20) };
        var pending = requests.Select(r => harness.Run(r)).ToList();

        harness.Release();
        var results = await Task.WhenAll(pending);
        (await held).Values.ToList().ForEach(t => t.Dispose());

        var runs = harness.Model.Runs.ToList();
        Assert.Equal([1, 6], runs.Select(r => r.Rows));
        // The batch is the tasks' rows in arrival order.
        Assert.Equal(requests.SelectMany(r => r["x"].AsSpan<float>().ToArray()), runs[1].Input);
        for (var i = 0; i < requests.Length; i++)
        {
            RowFunctionServable.AssertOwnRows(requests[i], results[i]);
        }

        DisposeAll(requests, results);
    }

    [Fact]
    public async Task Tasks_with_different_row_shapes_never_share_a_batch()
    {
        using var harness = new BatchingHarness(BatchingHarness.OneThread());
        var held = await harness.HoldBatchThreadAsync();
        var requests = new[]
        {
            RowFunctionServable.Input(1, 3, 0), RowFunctionServable.Input(2, 4, 10),
            RowFunctionServable.Input(1, 4, 20), RowFunctionServable.Input(1, 3, 30),
        };
        var pending = requests.Select(r => harness.Run(r)).ToList();

        harness.Release();
        var results = await Task.WhenAll(pending);
        (await held).Values.ToList().ForEach(t => t.Dispose());

        // A task that cannot join the open batch closes it: [3-wide], [4-wide ×2], [3-wide].
        Assert.Equal([(1, 2), (1, 3), (3, 4), (1, 3)], harness.Model.Runs.Select(r => (r.Rows, r.Width)));
        for (var i = 0; i < requests.Length; i++)
        {
            RowFunctionServable.AssertOwnRows(requests[i], results[i]);
        }

        DisposeAll(requests, results);
    }

    [Fact]
    public async Task An_output_filter_gets_its_own_queue_and_only_the_asked_outputs()
    {
        using var harness = new BatchingHarness(BatchingHarness.OneThread());
        var all = RowFunctionServable.Input(2, 2, 1);
        var listedAll = RowFunctionServable.Input(1, 2, 5);
        var filtered = RowFunctionServable.Input(2, 2, 9);

        using var allOut = new OutputScope(await harness.Run(all));
        using var listedAllOut = new OutputScope(await harness.Run(listedAll, outputFilter: ["rowsum", "y"]));
        using var filteredOut = new OutputScope(await harness.Run(filtered, outputFilter: ["rowsum"]));

        RowFunctionServable.AssertOwnRows(all, allOut.Outputs);
        RowFunctionServable.AssertOwnRows(listedAll, listedAllOut.Outputs);
        Assert.Equal(["rowsum"], filteredOut.Outputs.Keys);
        Assert.Equal([9f + 10f, 11f + 12f], filteredOut.Outputs["rowsum"].AsSpan<float>().ToArray());
        // Listing every output is the same as no filter: the model runs with none.
        Assert.Equal([null, null, ["rowsum"]], harness.Model.Runs.Select(r => r.OutputFilter));
        DisposeAll([all, listedAll, filtered], []);
    }

    [Fact]
    public async Task A_batch_timeout_holds_a_batch_open_for_tasks_that_arrive_within_it()
    {
        using var harness = new BatchingHarness(BatchingHarness.OneThread() with { BatchTimeoutMicros = 1_000_000 });
        var requests = new[] { RowFunctionServable.Input(1, 2, 0), RowFunctionServable.Input(2, 2, 10), RowFunctionServable.Input(1, 2, 20) };

        var results = await Task.WhenAll(requests.Select(r => harness.Run(r)));

        Assert.Equal([4], harness.Model.Runs.Select(r => r.Rows));
        for (var i = 0; i < requests.Length; i++)
        {
            RowFunctionServable.AssertOwnRows(requests[i], results[i]);
        }

        DisposeAll(requests, results);
    }

    [Fact]
    public async Task A_full_batch_runs_without_waiting_for_the_timeout()
    {
        var options = BatchingHarness.OneThread(maxBatchSize: 3) with { BatchTimeoutMicros = 600_000_000 };
        using var harness = new BatchingHarness(options);
        var requests = new[] { RowFunctionServable.Input(1, 2, 0), RowFunctionServable.Input(2, 2, 10) };

        var results = await Task.WhenAll(requests.Select(r => harness.Run(r))).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal([3], harness.Model.Runs.Select(r => r.Rows));
        DisposeAll(requests, results);
    }

    [Fact]
    public async Task An_error_of_the_model_fails_every_task_of_the_batch_with_its_code_and_text()
    {
        using var harness = new BatchingHarness(BatchingHarness.OneThread());
        var held = await harness.HoldBatchThreadAsync();
        harness.Model.Failure = Errors.ServingException.InvalidArgument("bad values in the batch");
        var pending = new[] { harness.Run(RowFunctionServable.Input(1, 2, 0)), harness.Run(RowFunctionServable.Input(1, 2, 5)) };

        harness.Release();
        foreach (var task in pending.Append(held))
        {
            var error = await Assert.ThrowsAsync<Errors.ServingException>(() => task);
            Assert.Equal(Errors.StatusCode.InvalidArgument, error.Code);
            Assert.Equal("bad values in the batch", error.Message);
        }
    }

    [Fact]
    public async Task Dispose_disposes_the_wrapped_servable_and_later_calls_are_turned_away()
    {
        var options = BatchingHarness.OneThread();
        using var scheduler = new BatchScheduler(options);
        var model = new RowFunctionServable();
        var servable = new BatchingServable(model, scheduler, options);
        using (new OutputScope(await servable.RunAsync("serving_default", RowFunctionServable.Input(1, 2, 0), null, default)))
        {
        }

        servable.Dispose();

        Assert.True(model.Disposed);
        var error = await Assert.ThrowsAsync<Errors.ServingException>(
            async () => await servable.RunAsync("serving_default", RowFunctionServable.Input(1, 2, 0), null, default));
        Assert.Equal(Errors.StatusCode.Unavailable, error.Code);
    }

    [Fact]
    public async Task An_unknown_signature_is_answered_by_the_wrapped_servable()
    {
        using var harness = new BatchingHarness(BatchingHarness.OneThread());

        var error = await Assert.ThrowsAsync<Errors.ServingException>(
            async () => await harness.Servable.RunAsync("nope", new Dictionary<string, Tensor>(), null, default));

        Assert.Equal("Serving signature key \"nope\" not found.", error.Message);
        Assert.Empty(harness.Model.Runs);
    }

    internal static void DisposeAll(IEnumerable<Dictionary<string, Tensor>> inputs, IEnumerable<IReadOnlyDictionary<string, Tensor>> outputs)
    {
        foreach (var tensor in inputs.SelectMany(d => d.Values).Concat(outputs.SelectMany(d => d.Values)))
        {
            tensor.Dispose();
        }
    }
}

/// <summary>Disposes a run's output tensors.</summary>
internal sealed class OutputScope(IReadOnlyDictionary<string, Tensor> outputs) : IDisposable
{
    public IReadOnlyDictionary<string, Tensor> Outputs { get; } = outputs;

    public void Dispose()
    {
        foreach (var tensor in Outputs.Values)
        {
            tensor.Dispose();
        }
    }
}
