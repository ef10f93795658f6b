using System.Collections.Concurrent;
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
    private readonly BatchingOptions _options;
    private readonly Dictionary<string, BatchQueue> _signatureQueues = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, BatchQueue> _filteredQueues = new(StringComparer.Ordinal);
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
        _options = options;
        foreach (var key in inner.Signatures.Keys)
        {
            var queue = new BatchQueue(scheduler, inner, key, null, options);
            scheduler.Add(queue);
            _signatureQueues.Add(key, queue);
        }
    }

    public ServableId Id => _inner.Id;

    public string Platform => _inner.Platform;

    public IReadOnlyDictionary<string, Signature> Signatures => _inner.Signatures;

    public BatchingOptions Options => _options;

    /// <summary>The servable whose runs are batched.</summary>
    public IServable Inner => _inner;

    public ValueTask<IReadOnlyDictionary<string, Tensor>> RunAsync(
        string signatureKey,
        IReadOnlyDictionary<string, Tensor> inputs,
        IReadOnlyCollection<string>? outputFilter,
        CancellationToken cancellationToken)
    {
        if (!_signatureQueues.TryGetValue(signatureKey, out var queue))
        {
            // An unknown signature: the wrapped servable answers with its own error.
            return _inner.RunAsync(signatureKey, inputs, outputFilter, cancellationToken);
        }

        try
        {
            var rows = BatchRows(inputs);
            if (!AllOutputs(_inner.Signatures[signatureKey], outputFilter))
            {
                queue = FilteredQueue(signatureKey, outputFilter!);
            }

            if (cancellationToken.IsCancellationRequested)
            {
                throw BatchingErrors.ExpiredInQueue();
            }

            var task = new BatchTask(inputs, rows, cancellationToken);
            lock (_scheduler.Gate)
            {
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

        var queues = _signatureQueues.Values.Concat(_filteredQueues.Values).ToList();
        lock (_scheduler.Gate)
        {
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

    private BatchQueue FilteredQueue(string signatureKey, IReadOnlyCollection<string> outputFilter)
    {
        var aliases = outputFilter.Order(StringComparer.Ordinal).ToArray();
        var key = signatureKey + "\n" + string.Join("\n", aliases);
        if (_filteredQueues.TryGetValue(key, out var queue))
        {
            return queue;
        }

        lock (_filteredQueues)
        {
            if (_filteredQueues.TryGetValue(key, out queue))
            {
                return queue;
            }

            ObjectDisposedException.ThrowIf(_disposed != 0, this);
            queue = new BatchQueue(_scheduler, _inner, signatureKey, aliases, _options);
            _scheduler.Add(queue);
            _filteredQueues[key] = queue;
            return queue;
        }
    }
}
