using System.Diagnostics;
using NServe.Core.Errors;
using NServe.Core.Servables;
using NServe.Core.Tensors;

namespace NServe.Core.Batching;

/// <summary>
/// Wraps a servable so that concurrent RunAsync calls on the same signature and output set are merged
/// along dimension 0, run once on a shared batch thread, and split back: TF Serving's BatchingSession.
/// Each signature has a queue; a call with an output filter other than "all outputs" gets a queue of its
/// own, made on first use (as TF's default scheduler creator does). Disposing waits for queued calls to
/// run, then disposes the wrapped servable.
/// </summary>
public sealed class BatchingServable : IServable
{
    private readonly IServable _inner;
    private readonly BatchScheduler _scheduler;
    private readonly List<BatchQueue> _retiring = [];
    private QueueSet _queues;
    private int _disposed;

    /// <summary>Wraps <paramref name="inner"/>, which it owns from now on. Throws InvalidArgument for bad options.</summary>
    public BatchingServable(IServable inner, BatchScheduler scheduler, BatchingOptions options)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(scheduler);
        ArgumentNullException.ThrowIfNull(options);
        options.ValidateQueueOptions();
        _inner = inner;
        _scheduler = scheduler;
        _queues = new QueueSet(scheduler, inner, options);
    }

    public ServableId Id => _inner.Id;

    public string Platform => _inner.Platform;

    public IReadOnlyDictionary<string, Signature> Signatures => _inner.Signatures;

    /// <summary>The options new requests are batched with (they change with <see cref="UpdateOptions"/>).</summary>
    public BatchingOptions Options => Volatile.Read(ref _queues).Options;

    /// <summary>True once disposed (the version was unloaded).</summary>
    public bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    /// <summary>The servable whose runs are batched.</summary>
    public IServable Inner => _inner;

    public ValueTask<IReadOnlyDictionary<string, Tensor>> RunAsync(
        string signatureKey,
        IReadOnlyDictionary<string, Tensor> inputs,
        IReadOnlyCollection<string>? outputFilter,
        CancellationToken cancellationToken)
    {
        if (!_inner.Signatures.TryGetValue(signatureKey, out var signature))
        {
            // An unknown signature: the wrapped servable answers with its own error.
            return _inner.RunAsync(signatureKey, inputs, outputFilter, cancellationToken);
        }

        try
        {
            var rows = BatchRows(inputs);
            var filterKey = AllOutputs(signature, outputFilter) ? null : FilterKey(signatureKey, outputFilter!, out _);
            if (cancellationToken.IsCancellationRequested)
            {
                throw BatchingErrors.ExpiredInQueue();
            }

            var task = new BatchTask(inputs, rows, cancellationToken);
            lock (_scheduler.Gate)
            {
                // Read under the lock that UpdateOptions swaps under, so no task joins a queue being retired.
                var queues = _queues;
                var queue = filterKey is null ? queues.Signatures[signatureKey] : FilteredQueue(queues, signatureKey, filterKey, outputFilter!);
                queue.Schedule(task, Stopwatch.GetTimestamp());
            }

            task.WatchCancellation();
            return task.AsValueTask();
        }
        catch (ServingException e)
        {
            return ValueTask.FromException<IReadOnlyDictionary<string, Tensor>>(e);
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        List<BatchQueue> queues;
        lock (_scheduler.Gate)
        {
            queues = [.. _queues.All, .. _retiring];
            foreach (var queue in queues)
            {
                queue.Close();
            }

            _scheduler.SignalAll();
        }

        foreach (var queue in queues)
        {
            queue.Drained.WaitOne();
            _scheduler.Remove(queue);
        }

        _inner.Dispose();
    }

    /// <summary>
    /// Batches new requests with <paramref name="options"/> from now on (a changed parameters file on config
    /// reload): new queues take new tasks, and the old queues run what they hold and are then removed. The
    /// batch threads are the scheduler's, so <c>num_batch_threads</c> is not changed here. Returns false when
    /// the options are the ones in force; throws InvalidArgument (TF's texts) for options TF would refuse,
    /// leaving the current ones in place.
    /// </summary>
    public bool UpdateOptions(BatchingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ValidateQueueOptions();
        if (Volatile.Read(ref _queues).Options.SameQueueOptions(options))
        {
            return false;
        }

        var fresh = new QueueSet(_scheduler, _inner, options);
        List<BatchQueue> retired;
        lock (_scheduler.Gate)
        {
            if (_disposed != 0)
            {
                fresh.RemoveFrom(_scheduler);
                return false;
            }

            retired = [.. _queues.All];
            Volatile.Write(ref _queues, fresh);
            foreach (var queue in retired)
            {
                // A closed queue's open batch is due at once, so what it holds runs now.
                queue.Close();
            }

            _retiring.AddRange(retired);
            _scheduler.SignalAll();
        }

        _ = Task.Run(() =>
        {
            foreach (var queue in retired)
            {
                queue.Drained.WaitOne();
                _scheduler.Remove(queue);
                lock (_scheduler.Gate)
                {
                    _retiring.Remove(queue);
                }
            }
        });
        return true;
    }

    /// <summary>The rows of a task: the dimension 0 all inputs share (TF's ComputeTensorBatchSize, its checks and texts).</summary>
    private static long BatchRows(IReadOnlyDictionary<string, Tensor> inputs)
    {
        if (inputs.Count == 0)
        {
            throw BatchingErrors.NoInputs();
        }

        var rows = -1L;
        foreach (var tensor in inputs.Values)
        {
            if (tensor.Rank == 0)
            {
                throw BatchingErrors.ScalarInput();
            }

            if (rows < 0)
            {
                rows = tensor.Shape[0];
            }
            else if (tensor.Shape[0] != rows)
            {
                throw BatchingErrors.UnequalBatchSizes();
            }
        }

        return rows;
    }

    /// <summary>True when the filter asks for every output (the server passes the full list when none is given).</summary>
    private static bool AllOutputs(Signature signature, IReadOnlyCollection<string>? outputFilter)
    {
        if (outputFilter is null || outputFilter.Count == 0)
        {
            return true;
        }

        if (outputFilter.Count != signature.Outputs.Count)
        {
            return false;
        }

        foreach (var (alias, _) in signature.Outputs)
        {
            if (!outputFilter.Contains(alias))
            {
                return false;
            }
        }

        return true;
    }

    private static string FilterKey(string signatureKey, IReadOnlyCollection<string> outputFilter, out string[] aliases)
    {
        aliases = outputFilter.Order(StringComparer.Ordinal).ToArray();
        return signatureKey + "\n" + string.Join("\n", aliases);
    }

    /// <summary>The queue for a signature with an output filter, made on first use. Caller holds the scheduler's lock.</summary>
    private BatchQueue FilteredQueue(QueueSet queues, string signatureKey, string key, IReadOnlyCollection<string> outputFilter)
    {
        if (queues.Filtered.TryGetValue(key, out var queue))
        {
            return queue;
        }

        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        FilterKey(signatureKey, outputFilter, out var aliases);
        queue = new BatchQueue(_scheduler, _inner, signatureKey, aliases, queues.Options);
        _scheduler.Add(queue);
        queues.Filtered[key] = queue;
        return queue;
    }

    /// <summary>The queues that batch with one set of options: one per signature, and one per output filter used.</summary>
    private sealed class QueueSet
    {
        public QueueSet(BatchScheduler scheduler, IServable inner, BatchingOptions options)
        {
            Options = options;
            foreach (var key in inner.Signatures.Keys)
            {
                var queue = new BatchQueue(scheduler, inner, key, null, options);
                scheduler.Add(queue);
                Signatures.Add(key, queue);
            }
        }

        public BatchingOptions Options { get; }

        public Dictionary<string, BatchQueue> Signatures { get; } = new(StringComparer.Ordinal);

        /// <summary>Guarded by the scheduler's lock.</summary>
        public Dictionary<string, BatchQueue> Filtered { get; } = new(StringComparer.Ordinal);

        public IEnumerable<BatchQueue> All => Signatures.Values.Concat(Filtered.Values);

        public void RemoveFrom(BatchScheduler scheduler)
        {
            foreach (var queue in All)
            {
                scheduler.Remove(queue);
            }
        }
    }
}
