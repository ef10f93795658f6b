namespace NServe.Core.Batching;

/// <summary>
/// Told what batching does, for TF Serving's batching metrics (queuing latency, batch and padding sizes);
/// called on batch worker threads, so implementations must be cheap and thread-safe.
/// </summary>
public interface IBatchObserver
{
    /// <summary>A task left its queue for a batch after <paramref name="waited"/>.</summary>
    void TaskDequeued(string threadPoolName, TimeSpan waited);

    /// <summary>A batch of <paramref name="inputRows"/> rows ran, padded with <paramref name="paddingRows"/> rows.</summary>
    void BatchRan(long inputRows, long paddingRows);
}
