namespace NServe.Server.Metrics;

/// <summary>
/// TF Serving's batching-session metrics (behaviour.md §5). The batching wrapper records into them: one
/// call per task queued, per batch formed and per batch run.
/// </summary>
public sealed class BatchingMetrics
{
    public BatchingMetrics(MetricRegistry registry)
    {
        var sizeBuckets = HistogramBuckets.Exponential(1, 2, 14);
        QueuingLatency = registry.Register(new HistogramFamily(
            ":tensorflow:serving:batching_session:queuing_latency",
            "Distribution of wall time (in microseconds) a task spent in a batching queue.",
            ["thread_pool_name"],
            HistogramBuckets.Exponential(100, 1.2, 52)));
        WrappedRunCount = registry.Register(new CounterFamily(
            ":tensorflow:serving:batching_session:wrapped_run_count",
            "Number of runs sent to a batched model.",
            []));
        PaddingSize = registry.Register(new HistogramFamily(
            ":tensorflow:serving:batching_session:padding_size",
            "Distribution of rows of padding added to a batch, by the batch size it ran at.",
            ["execution_batch_size"],
            sizeBuckets));
        InputBatchSize = registry.Register(new HistogramFamily(
            ":tensorflow:serving:batching_session:input_batch_size",
            "Distribution of batch sizes before padding.",
            [],
            sizeBuckets));
        ProcessedBatchSize = registry.Register(new HistogramFamily(
            ":tensorflow:serving:batching_session:processed_batch_size",
            "Distribution of batch sizes as run, padding included.",
            [],
            sizeBuckets));
    }

    public HistogramFamily QueuingLatency { get; }

    public CounterFamily WrappedRunCount { get; }

    public HistogramFamily PaddingSize { get; }

    public HistogramFamily InputBatchSize { get; }

    public HistogramFamily ProcessedBatchSize { get; }

    /// <summary>A task (one request) was handed to the batching wrapper.</summary>
    public void RecordWrappedRun() => WrappedRunCount.WithLabels(LabelValues.None).Increment();

    /// <summary>A task left its queue after <paramref name="microseconds"/>, in the scheduler named <paramref name="threadPoolName"/>.</summary>
    public void RecordQueuingLatency(string threadPoolName, double microseconds) =>
        QueuingLatency.WithLabels(new LabelValues(threadPoolName)).Observe(microseconds);

    /// <summary>
    /// A batch ran: <paramref name="inputRows"/> rows from its tasks, padded with <paramref name="paddingRows"/>
    /// rows up to the size it ran at.
    /// </summary>
    public void RecordBatch(long inputRows, long paddingRows)
    {
        var executionSize = inputRows + paddingRows;
        InputBatchSize.WithLabels(LabelValues.None).Observe(inputRows);
        ProcessedBatchSize.WithLabels(LabelValues.None).Observe(executionSize);
        PaddingSize.WithLabels(new LabelValues(BatchSizeText(executionSize))).Observe(paddingRows);
    }

    /// <summary>The execution size as label text; sizes are few and small, so the common ones are cached.</summary>
    private static string BatchSizeText(long size) =>
        size is >= 0 and < 1025 ? SmallSizes[size] : size.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static readonly string[] SmallSizes =
        [.. Enumerable.Range(0, 1025).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))];
}
