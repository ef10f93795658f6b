using NServe.Core.Batching;
using NServe.Core.Errors;
using NServe.Core.Tensors;

namespace NServe.Core.Tests.Batching;

/// <summary>allowed_batch_sizes and pad_variable_length_inputs, as the model sees them.</summary>
public sealed class BatchPaddingTests
{
    [Fact]
    public async Task A_batch_is_padded_to_the_next_allowed_size_with_the_first_row_of_its_last_task()
    {
        using var harness = new BatchingHarness(BatchingHarness.OneThread(maxBatchSize: 8) with { AllowedBatchSizes = [2, 4, 8] });
        var held = await harness.HoldBatchThreadAsync();
        var one = RowFunctionServable.Input(1, 2, 0);
        var two = RowFunctionServable.Input(2, 2, 10);
        var pending = new[] { harness.Run(one), harness.Run(two) };

        harness.Release();
        var results = await Task.WhenAll(pending);
        using var heldOut = new OutputScope(await held);

        var runs = harness.Model.Runs.ToList();
        Assert.Equal([2, 4], runs.Select(r => r.Rows));
        Assert.Equal([-100f, -99f, -100f, -99f], runs[0].Input);
        Assert.Equal([0f, 1f, 10f, 11f, 12f, 13f, 10f, 11f], runs[1].Input);
        // Padding rows never reach a caller.
        RowFunctionServable.AssertOwnRows(one, results[0]);
        RowFunctionServable.AssertOwnRows(two, results[1]);
        Assert.Equal([2L, 2L], results[1]["y"].Shape);
        Assert.Equal([1L, 2L], heldOut.Outputs["y"].Shape);
        BatchingServableTests.DisposeAll([one, two], results);
    }

    [Fact]
    public async Task A_lone_task_is_padded_too_and_gets_back_only_its_rows()
    {
        using var harness = new BatchingHarness(BatchingHarness.OneThread(maxBatchSize: 4) with { AllowedBatchSizes = [2, 4] });
        var three = RowFunctionServable.Input(3, 1, 0);

        using var output = new OutputScope(await harness.Run(three));

        Assert.Equal([4], harness.Model.Runs.Select(r => r.Rows));
        Assert.Equal([0f, 1f, 2f, 0f], harness.Model.Runs.Single().Input);
        RowFunctionServable.AssertOwnRows(three, output.Outputs);
        BatchingServableTests.DisposeAll([three], []);
    }

    [Fact]
    public async Task Variable_length_inputs_are_padded_at_the_end_with_their_own_first_element()
    {
        using var harness = new BatchingHarness(BatchingHarness.OneThread() with { PadVariableLengthInputs = true });
        var held = await harness.HoldBatchThreadAsync();
        var narrow = RowFunctionServable.Input(1, 2, 1);
        var wide = RowFunctionServable.Input(2, 3, 10);
        var pending = new[] { harness.Run(narrow), harness.Run(wide) };

        harness.Release();
        var results = await Task.WhenAll(pending);
        using var heldOut = new OutputScope(await held);

        var batch = harness.Model.Runs.Last();
        Assert.Equal((3, 3), (batch.Rows, batch.Width));
        Assert.Equal([1f, 2f, 1f, 10f, 11f, 12f, 13f, 14f, 15f], batch.Input);
        // Outputs are split along dimension 0 only: the narrow caller gets the padded width back.
        Assert.Equal([1L, 3L], results[0]["y"].Shape);
        Assert.Equal([(2 * 1f) + 4f, (2 * 2f) + 4f, (2 * 1f) + 4f], results[0]["y"].AsSpan<float>().ToArray());
        RowFunctionServable.AssertOwnRows(wide, results[1]);
        BatchingServableTests.DisposeAll([narrow, wide], results);
    }

    [Fact]
    public async Task Padding_refuses_tensors_of_rank_above_six_even_for_a_lone_task()
    {
        using var harness = new BatchingHarness(BatchingHarness.OneThread() with { PadVariableLengthInputs = true });
        using var rank7 = Tensor.Allocate(TensorDataType.Float, [1, 1, 1, 1, 1, 1, 1]);

        var error = await Assert.ThrowsAsync<ServingException>(() => harness.Run(new Dictionary<string, Tensor> { ["x"] = rank7 }));

        Assert.Equal(StatusCode.InvalidArgument, error.Code);
        Assert.Equal("Only tensors with rank from 1 to 6 can be padded.", error.Message);
        Assert.Empty(harness.Model.Runs);
    }
}
