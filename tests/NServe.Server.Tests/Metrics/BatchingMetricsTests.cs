using NServe.Server.Metrics;

namespace NServe.Server.Tests.Metrics;

public sealed class BatchingMetricsTests
{
    [Fact]
    public void BatchRecordsInputSizeProcessedSizeAndPaddingByExecutionSize()
    {
        var registry = new MetricRegistry();
        var metrics = new BatchingMetrics(registry);

        metrics.RecordWrappedRun();
        metrics.RecordQueuingLatency("batch_threads", 250);
        metrics.RecordBatch(inputRows: 3, paddingRows: 1);

        var page = registry.WriteToString();
        Assert.Contains(":tensorflow:serving:batching_session:wrapped_run_count 1\n", page, StringComparison.Ordinal);
        Assert.Contains(":tensorflow:serving:batching_session:input_batch_size_bucket{le=\"2\"} 0\n", page, StringComparison.Ordinal);
        Assert.Contains(":tensorflow:serving:batching_session:input_batch_size_bucket{le=\"4\"} 1\n", page, StringComparison.Ordinal);
        Assert.Contains(":tensorflow:serving:batching_session:processed_batch_size_sum 4\n", page, StringComparison.Ordinal);
        Assert.Contains(":tensorflow:serving:batching_session:padding_size_bucket{execution_batch_size=\"4\",le=\"1\"} 1\n", page, StringComparison.Ordinal);

        // Queuing latency buckets are 100·1.2^i µs: 250 falls in (248.832, 298.598].
        Assert.Contains(":tensorflow:serving:batching_session:queuing_latency_bucket{thread_pool_name=\"batch_threads\",le=\"248.832\"} 0\n", page, StringComparison.Ordinal);
        Assert.Contains(":tensorflow:serving:batching_session:queuing_latency_bucket{thread_pool_name=\"batch_threads\",le=\"298.598\"} 1\n", page, StringComparison.Ordinal);
        Assert.Contains(":tensorflow:serving:batching_session:queuing_latency_bucket{thread_pool_name=\"batch_threads\",le=\"1.09205e+06\"} 1\n", page, StringComparison.Ordinal);
    }
}
