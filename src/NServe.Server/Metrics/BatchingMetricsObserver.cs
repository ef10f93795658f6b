using NServe.Core.Batching;

namespace NServe.Server.Metrics;

/// <summary>Records the batching scheduler's events into TF Serving's batching_session metrics.</summary>
public sealed class BatchingMetricsObserver(BatchingMetrics metrics) : IBatchObserver
{
    public void TaskDequeued(string threadPoolName, TimeSpan waited) =>
        metrics.RecordQueuingLatency(threadPoolName, waited.TotalMicroseconds);

    public void BatchRan(long inputRows, long paddingRows) => metrics.RecordBatch(inputRows, paddingRows);
}
