using NServe.Core.Config.TextFormat;
using NServe.Core.Errors;
using Tensorflow.Serving;

namespace NServe.Core.Batching;

/// <summary>
/// How requests to one model are batched: TF Serving's <c>BatchingParameters</c> with the values its
/// <c>SharedBatchScheduler</c> uses when a field is unset (behaviour.md §1, bundle_factory_util.h).
/// <see cref="NumBatchThreads"/> and <see cref="ThreadPoolName"/> belong to the shared scheduler; the
/// rest to each model's queues.
/// </summary>
public sealed record BatchingOptions
{
    /// <summary>TF's <c>QueueOptions.input_batch_size_limit</c> default.</summary>
    public const long DefaultMaxBatchSize = 1000;

    /// <summary>TF's <c>QueueOptions.max_enqueued_batches</c> default.</summary>
    public const long DefaultMaxEnqueuedBatches = 10;

    /// <summary>The name TF's scheduler gives its pool when none is set.</summary>
    public const string DefaultThreadPoolName = "batch_threads";

    /// <summary>The name TF Serving's model server gives the pool when no parameters file is given.</summary>
    public const string ModelServerThreadPoolName = "model_server_batch_threads";

    /// <summary>Largest task (request rows) a queue accepts, and the batch size limit without splitting.</summary>
    public long MaxBatchSize { get; init; } = DefaultMaxBatchSize;

    /// <summary>How long a non-full batch may wait for more tasks once a thread could run it; 0: not at all.</summary>
    public long BatchTimeoutMicros { get; init; }

    /// <summary>Batches a queue holds (the open one included) before it turns tasks away.</summary>
    public long MaxEnqueuedBatches { get; init; } = DefaultMaxEnqueuedBatches;

    /// <summary>Threads that run batches, shared by every batched model (TF: <c>port::MaxParallelism()</c>).</summary>
    public long NumBatchThreads { get; init; } = Environment.ProcessorCount;

    public string ThreadPoolName { get; init; } = DefaultThreadPoolName;

    /// <summary>Split a task across batches instead of starting a new batch for all of it.</summary>
    public bool EnableLargeBatchSplitting { get; init; }

    /// <summary>
    /// The largest batch that runs. Without splitting this is <see cref="MaxBatchSize"/>; with splitting,
    /// the parameter's value, or (as TF Serving does) the raw <c>max_batch_size</c> field, which is 0 when
    /// unset, so that every task is then turned away as too big for the queue.
    /// </summary>
    public long MaxExecutionBatchSize { get; init; } = DefaultMaxBatchSize;

    /// <summary>Batch sizes a batch is padded up to (the first one not smaller); empty: any size.</summary>
    public IReadOnlyList<long> AllowedBatchSizes { get; init; } = [];

    /// <summary>Pad each task's non-batch dimensions at the end up to the batch's largest.</summary>
    public bool PadVariableLengthInputs { get; init; }

    /// <summary>The options <paramref name="parameters"/> give, TF's defaults for the unset fields.</summary>
    public static BatchingOptions FromParameters(BatchingParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var maxBatchSize = parameters.MaxBatchSize ?? DefaultMaxBatchSize;
        var splitting = parameters.EnableLargeBatchSplitting ?? false;

        // bundle_factory_util.h: with splitting on, an unset max_execution_batch_size takes
        // max_batch_size().value(), which reads 0 when that field is unset too.
        var maxExecution = splitting
            ? parameters.MaxExecutionBatchSize ?? parameters.MaxBatchSize ?? 0
            : maxBatchSize;
        return new BatchingOptions
        {
            MaxBatchSize = maxBatchSize,
            BatchTimeoutMicros = parameters.BatchTimeoutMicros ?? 0,
            MaxEnqueuedBatches = parameters.MaxEnqueuedBatches ?? DefaultMaxEnqueuedBatches,
            NumBatchThreads = parameters.NumBatchThreads ?? Environment.ProcessorCount,
            ThreadPoolName = parameters.ThreadPoolName ?? DefaultThreadPoolName,
            EnableLargeBatchSplitting = splitting,
            MaxExecutionBatchSize = maxExecution,
            AllowedBatchSizes = [.. parameters.AllowedBatchSizes],
            PadVariableLengthInputs = parameters.PadVariableLengthInputs,
        };
    }

    /// <summary>Reads text-format <c>BatchingParameters</c>; a syntax error is an InvalidArgument.</summary>
    public static BatchingOptions Parse(string text, string source = "batching parameters")
    {
        BatchingParameters parameters;
        try
        {
            parameters = TextFormatParser.Parse<BatchingParameters>(text);
        }
        catch (TextFormatException e)
        {
            throw new ServingException(StatusCode.InvalidArgument, $"Failed to parse BatchingParameters from {source}: {e.Message}", e);
        }

        return FromParameters(parameters);
    }

    /// <summary>Reads a <c>--batching_parameters_file</c> or a model's <c>batching_params.pbtxt</c>.</summary>
    public static BatchingOptions Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ServingException(StatusCode.InvalidArgument, $"Failed to read BatchingParameters file {path}: {e.Message}", e);
        }

        return Parse(text, path);
    }

    /// <summary>
    /// Checks what TF checks when it creates a model's queue (SharedBatchScheduler::AddQueue,
    /// CreateBatchScheduler), with its texts; throws InvalidArgument, so the model's load fails.
    /// </summary>
    public void ValidateQueueOptions()
    {
        if (AllowedBatchSizes.Count > 0 && AllowedBatchSizes[^1] != MaxBatchSize)
        {
            throw ServingException.InvalidArgument(
                $"Last entry in allowed_batch_sizes must match max_batch_size; last entry was {AllowedBatchSizes[^1]}; expected {MaxBatchSize}");
        }

        if (MaxBatchSize <= 0)
        {
            throw ServingException.InvalidArgument($"input_batch_size_limit must be positive; was {MaxBatchSize}");
        }

        if (BatchTimeoutMicros < 0)
        {
            throw ServingException.InvalidArgument($"batch_timeout_micros must be non-negative; was {BatchTimeoutMicros}");
        }

        if (EffectiveMaxEnqueuedBatches <= 0)
        {
            throw ServingException.InvalidArgument($"max_enqueued_batches must be positive; was {MaxEnqueuedBatches}");
        }

        if (EnableLargeBatchSplitting && MaxBatchSize < MaxExecutionBatchSize)
        {
            // TF builds this text with StrCat, which glues the three values (true as 1) onto the sentence.
            throw ServingException.InvalidArgument(
                "When enable_large_batch_splitting is true, input_batch_size_limit must be greater than or equal to max_execution_batch_size."
                + $"1{MaxBatchSize}{MaxExecutionBatchSize}");
        }
    }

    /// <summary>Checks the scheduler-wide options, as SharedBatchScheduler::Create does.</summary>
    public void ValidateSchedulerOptions()
    {
        if (NumBatchThreads < 1)
        {
            throw ServingException.InvalidArgument($"num_batch_threads must be positive; was {NumBatchThreads}");
        }
    }

    /// <summary>True when <paramref name="other"/> batches a queue exactly as these do (the thread settings aside).</summary>
    public bool SameQueueOptions(BatchingOptions other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return MaxBatchSize == other.MaxBatchSize
            && BatchTimeoutMicros == other.BatchTimeoutMicros
            && MaxEnqueuedBatches == other.MaxEnqueuedBatches
            && EnableLargeBatchSplitting == other.EnableLargeBatchSplitting
            && MaxExecutionBatchSize == other.MaxExecutionBatchSize
            && PadVariableLengthInputs == other.PadVariableLengthInputs
            && AllowedBatchSizes.SequenceEqual(other.AllowedBatchSizes);
    }

    /// <summary>TF rewrites an explicit 0 to 1 when splitting is off ("many existing models rely on it").</summary>
    internal long EffectiveMaxEnqueuedBatches =>
        !EnableLargeBatchSplitting && MaxEnqueuedBatches == 0 ? 1 : MaxEnqueuedBatches;

    /// <summary>The batch size a batch of <paramref name="rows"/> is padded to (TF's RoundToLowestAllowedBatchSize).</summary>
    internal long PaddedBatchSize(long rows)
    {
        foreach (var allowed in AllowedBatchSizes)
        {
            if (allowed >= rows)
            {
                return allowed;
            }
        }

        return rows;
    }
}
