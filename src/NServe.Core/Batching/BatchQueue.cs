using System.Diagnostics;
using NServe.Core.Servables;
using NServe.Core.Tensors;

namespace NServe.Core.Batching;

/// <summary>
/// The queue of one model version's signature (and output set), TF's SharedBatchScheduler Queue: a line of
/// closed batches and one open batch at the back that new tasks join. The open batch is closed when the
/// next task does not fit, or when a free batch thread finds it full or older than the batch timeout.
/// Its state is guarded by the scheduler's lock; <see cref="Process"/> runs a batch outside it.
/// </summary>
internal sealed class BatchQueue
{
    private readonly BatchScheduler _scheduler;
    private readonly IServable _servable;
    private readonly string _signatureKey;
    private readonly IReadOnlyCollection<string>? _outputFilter;
    private readonly BatchingOptions _options;
    private readonly long _maxEnqueuedBatches;
    private readonly long _timeoutTicks;
    private readonly Queue<Batch> _closedBatches = new();
    private readonly Stack<Batch> _spareBatches = new();
    private readonly ManualResetEventSlim _drained = new(false);
    private Batch _open = new();
    private int _processing;
    private bool _isClosed;

    public BatchQueue(BatchScheduler scheduler, IServable servable, string signatureKey, IReadOnlyCollection<string>? outputFilter, BatchingOptions options)
    {
        _scheduler = scheduler;
        _servable = servable;
        _signatureKey = signatureKey;
        _outputFilter = outputFilter;
        _options = options;
        _maxEnqueuedBatches = options.EffectiveMaxEnqueuedBatches;
        var ticks = options.BatchTimeoutMicros * (Stopwatch.Frequency / 1_000_000.0);
        _timeoutTicks = ticks >= long.MaxValue ? long.MaxValue : (long)ticks;
    }

    /// <summary>Set once the queue is closed and every task in it has been answered.</summary>
    public WaitHandle Drained => _drained.WaitHandle;

    private long EnqueuedBatches => _closedBatches.Count + 1;

    private long MaxExecutionBatchSize => _options.MaxExecutionBatchSize;

    /// <summary>Adds <paramref name="task"/> (TF's Schedule); throws TF's errors for a task too big or a full queue. Caller holds the lock.</summary>
    public void Schedule(BatchTask task, long nowTicks)
    {
        if (_isClosed)
        {
            throw BatchingErrors.Unloading();
        }

        var size = task.Rows;
        if (size > _options.MaxBatchSize)
        {
            throw BatchingErrors.TaskTooLarge(size, _options.MaxBatchSize);
        }

        // Tasks whose inputs cannot be concatenated never share a batch, so one odd request cannot fail others.
        var joinsOpen = _open.IsEmpty || CanJoin(_open.Parts[0].Task, task);
        var openRemaining = joinsOpen ? MaxExecutionBatchSize - _open.Size : 0;
        if (_options.EnableLargeBatchSplitting)
        {
            var capacity = ((_maxEnqueuedBatches - EnqueuedBatches) * MaxExecutionBatchSize) + openRemaining;
            if (size > capacity)
            {
                throw BatchingErrors.QueueFullForSplitting(size, capacity, EnqueuedBatches, _maxEnqueuedBatches, _open.Size, MaxExecutionBatchSize);
            }
        }
        else if (size > openRemaining && EnqueuedBatches >= _maxEnqueuedBatches)
        {
            throw BatchingErrors.QueueFull(EnqueuedBatches, _maxEnqueuedBatches);
        }

        var openWasEmpty = _open.IsEmpty;
        if (!_options.EnableLargeBatchSplitting || size <= openRemaining)
        {
            task.SetPartCount(1);
            Place(new BatchTaskPart(task, 0, size), joinsOpen, nowTicks);
        }
        else
        {
            // The first part fills the open batch; the rest go in batches of max_execution_batch_size.
            var first = Math.Max(openRemaining, 0);
            var parts = (first > 0 ? 1 : 0) + (int)((size - first + MaxExecutionBatchSize - 1) / MaxExecutionBatchSize);
            task.SetPartCount(parts);
            var offset = 0L;
            if (first > 0)
            {
                Place(new BatchTaskPart(task, 0, first), joinsOpen, nowTicks);
                offset = first;
            }

            while (offset < size)
            {
                var rows = Math.Min(size - offset, MaxExecutionBatchSize);
                // Once a part is placed, the open batch holds this task, so later parts may join it.
                Place(new BatchTaskPart(task, offset, rows), joinsOpen || offset > 0, nowTicks);
                offset += rows;
            }
        }

        // A new open batch also changes when a waiting thread must look again (its timeout).
        if (openWasEmpty || HasSchedulableBatch(nowTicks))
        {
            _scheduler.Signal();
        }
    }

    /// <summary>Hands out the next batch to run, if one is due (TF's ScheduleBatch). Caller holds the lock.</summary>
    public bool TryTake(long nowTicks, out Batch batch)
    {
        if (_closedBatches.Count == 0)
        {
            if (_open.IsEmpty || !IsOpenBatchDue(nowTicks))
            {
                batch = null!;
                return false;
            }

            CloseOpenBatch();
        }

        batch = _closedBatches.Dequeue();
        _processing++;
        return true;
    }

    /// <summary>True when a free thread would get a batch from this queue now. Caller holds the lock.</summary>
    public bool HasSchedulableBatch(long nowTicks) => _closedBatches.Count > 0 || (!_open.IsEmpty && IsOpenBatchDue(nowTicks));

    /// <summary>When the open batch falls due (Stopwatch ticks); long.MaxValue when nothing waits. Caller holds the lock.</summary>
    public long DueTicks() => _closedBatches.Count > 0 ? 0
        : _open.IsEmpty ? long.MaxValue
        : _timeoutTicks == long.MaxValue ? long.MaxValue
        : _open.StartTicks + _timeoutTicks;

    /// <summary>Takes a processed batch back for reuse. Caller holds the lock.</summary>
    public void Finished(Batch batch)
    {
        batch.Clear();
        _spareBatches.Push(batch);
        _processing--;
        if (_isClosed && IsEmpty)
        {
            _drained.Set();
        }
    }

    /// <summary>Turns new tasks away and lets waiting ones run at once. Caller holds the lock.</summary>
    public void Close()
    {
        _isClosed = true;
        if (IsEmpty)
        {
            _drained.Set();
        }
    }

    /// <summary>Runs <paramref name="batch"/> on the servable and answers its tasks. Called without the lock.</summary>
    public void Process(Batch batch)
    {
        var parts = batch.Parts;
        var live = 0;
        for (var i = 0; i < parts.Count; i++)
        {
            if (parts[i].Task.TryStart())
            {
                parts[live++] = parts[i];
            }
        }

        parts.RemoveRange(live, parts.Count - live);
        if (live == 0)
        {
            return;
        }

        var rows = 0L;
        foreach (var part in parts)
        {
            rows += part.Rows;
        }

        var padded = _options.PaddedBatchSize(rows);
        if (_scheduler.Observer is { } observer)
        {
            foreach (var part in parts)
            {
                observer.TaskDequeued(_scheduler.ThreadPoolName, System.Diagnostics.Stopwatch.GetElapsedTime(part.Task.CreatedTicks));
            }

            observer.BatchRan(rows, padded - rows);
        }

        var whole = live == 1 && parts[0].IsWholeTask && padded == rows;
        Dictionary<string, Tensor>? merged = null;
        IReadOnlyDictionary<string, Tensor>? outputs = null;
        var handedOver = false;
        try
        {
            if (!whole)
            {
                merged = BatchInputMerger.Merge(parts, rows, padded, _options.PadVariableLengthInputs);
            }
            else if (_options.PadVariableLengthInputs)
            {
                // TF pads (and so checks the rank of) every input, even when a task runs alone.
                BatchInputMerger.CheckPaddable(parts[0].Task.Inputs);
            }

            using (var cancellation = BatchCancellation.For(parts))
            {
                outputs = Run(merged ?? parts[0].Task.Inputs, cancellation.Token);
            }

            BatchOutputSplitter.Check(outputs, padded);
            if (whole)
            {
                handedOver = true;
                parts[0].Task.CompleteWhole(outputs);
                return;
            }

            BatchOutputSplitter.Split(outputs, parts);
        }
        catch (Exception e)
        {
            foreach (var part in parts)
            {
                part.Task.PartDone(e);
            }

            return;
        }
        finally
        {
            if (merged is not null)
            {
                foreach (var tensor in merged.Values)
                {
                    tensor.Dispose();
                }
            }

            if (outputs is not null && !handedOver)
            {
                foreach (var tensor in outputs.Values)
                {
                    tensor.Dispose();
                }
            }
        }

        foreach (var part in parts)
        {
            part.Task.PartDone(null);
        }
    }

    /// <summary>True when the task's inputs can be concatenated with those of <paramref name="member"/>.</summary>
    private bool CanJoin(BatchTask member, BatchTask task)
    {
        if (member.Inputs.Count != task.Inputs.Count)
        {
            return false;
        }

        foreach (var (alias, theirs) in member.Inputs)
        {
            if (!task.Inputs.TryGetValue(alias, out var ours)
                || ours.DataType != theirs.DataType
                || ours.Rank != theirs.Rank
                || (!_options.PadVariableLengthInputs && !TensorRows.SameRowShape(ours.Shape, theirs.Shape)))
            {
                return false;
            }
        }

        return true;
    }

    private void Place(BatchTaskPart part, bool joinsOpen, long nowTicks)
    {
        if (!joinsOpen || _open.Size + part.Rows > MaxExecutionBatchSize)
        {
            CloseOpenBatch();
        }

        _open.Add(part, nowTicks);
    }

    private void CloseOpenBatch()
    {
        _closedBatches.Enqueue(_open);
        _open = _spareBatches.Count > 0 ? _spareBatches.Pop() : new Batch();
    }

    private bool IsOpenBatchDue(long nowTicks) =>
        _isClosed || _open.Size >= MaxExecutionBatchSize || nowTicks - _open.StartTicks >= _timeoutTicks;

    private bool IsEmpty => _processing == 0 && _closedBatches.Count == 0 && _open.IsEmpty;

    private IReadOnlyDictionary<string, Tensor> Run(IReadOnlyDictionary<string, Tensor> inputs, CancellationToken cancellationToken)
    {
        // A batch thread has nothing else to do while the model runs; ORT computes synchronously anyway.
        var run = _servable.RunAsync(_signatureKey, inputs, _outputFilter, cancellationToken);
        return run.IsCompleted ? run.GetAwaiter().GetResult() : run.AsTask().GetAwaiter().GetResult();
    }
}
