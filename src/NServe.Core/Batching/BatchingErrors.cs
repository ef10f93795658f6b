using NServe.Core.Errors;

namespace NServe.Core.Batching;

/// <summary>
/// The errors of TF Serving's batching layer, with its codes and texts (batching_util.h,
/// batching_session.cc, shared_batch_scheduler.h), so clients see what they would see from TF Serving.
/// </summary>
internal static class BatchingErrors
{
    public static ServingException NoInputs() =>
        ServingException.InvalidArgument("Batching Run() must have at least one input tensor");

    public static ServingException ScalarInput() =>
        ServingException.InvalidArgument("Batching Run() input tensors must have at least one dimension");

    public static ServingException UnequalBatchSizes() =>
        ServingException.InvalidArgument("Batching Run() input tensors must have equal 0th-dimension size");

    public static ServingException TaskTooLarge(long size, long limit) =>
        ServingException.InvalidArgument($"Task size {size} is larger than maximum input batch size {limit}");

    public static ServingException QueueFull(long enqueuedBatches, long maxEnqueuedBatches) => new(
        StatusCode.Unavailable,
        $"The batch scheduling queue to which this task was submitted is full; currently {enqueuedBatches} batches enqueued and max_enqueued_batches is {maxEnqueuedBatches}");

    public static ServingException QueueFullForSplitting(
        long size, long capacity, long enqueuedBatches, long maxEnqueuedBatches, long openBatchSize, long maxExecutionBatchSize) => new(
        StatusCode.Unavailable,
        $"The batch scheduling queue to which this task was submitted is full; task size is {size} but scheduling capacity is only {capacity} " +
        $"(num_enqueued_batches={enqueuedBatches}, max_enqueued_batches={maxEnqueuedBatches}, open_batch_size={openBatchSize}, " +
        $"max_execution_batch_size={maxExecutionBatchSize})");

    /// <summary>A task whose deadline passed (or whose caller went away) before its batch ran.</summary>
    public static ServingException ExpiredInQueue() =>
        new(StatusCode.ResourceExhausted, "Run() timeout exceeded while waiting in batching queue");

    public static ServingException RankNotPaddable() =>
        ServingException.InvalidArgument("Only tensors with rank from 1 to 6 can be padded.");

    public static ServingException EmptyTensorToPad() =>
        ServingException.InvalidArgument("Got empty tensor in batch of non-empty tensors.");

    public static ServingException ScalarOutput() =>
        ServingException.FailedPrecondition("Batched output tensor has 0 dimensions");

    public static ServingException OutputRowsMismatch() =>
        ServingException.FailedPrecondition(
            "Batched output tensor's 0th dimension does not equal the sum of the 0th dimension sizes of the input tensors");

    public static ServingException Unloading() =>
        new(StatusCode.Unavailable, "The batch scheduling queue to which this task was submitted is closed: the model is being unloaded");

    public static ServingException SchedulerStopped() =>
        new(StatusCode.Unavailable, "The batch scheduler was shut down before this task ran");
}
