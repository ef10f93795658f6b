using System.Threading.Tasks.Sources;
using NServe.Core.Errors;
using NServe.Core.Tensors;

namespace NServe.Core.Batching;

/// <summary>
/// One caller's RunAsync waiting in a batch queue: its inputs (still owned by the caller), its row count,
/// and the outputs being gathered for it. With large-batch splitting its rows may run in several batches
/// (parts); the caller is answered once every part is done. It is its own <see cref="IValueTaskSource{T}"/>,
/// so a request costs one object, and continuations never run on a batch thread.
/// </summary>
internal sealed class BatchTask : IValueTaskSource<IReadOnlyDictionary<string, Tensor>>
{
    private const int Queued = 0;
    private const int Running = 1;
    private const int Abandoned = 2;

    private ManualResetValueTaskSourceCore<IReadOnlyDictionary<string, Tensor>> _completion = new() { RunContinuationsAsynchronously = true };
    private int _state;
    private int _pendingParts;
    private int _completed;
    private Dictionary<string, Tensor>? _results;
    private Exception? _error;
    private CancellationTokenRegistration _registration;
    private System.Diagnostics.Activity? _queueSpan = BatchingActivities.StartQueue();

    public BatchTask(IReadOnlyDictionary<string, Tensor> inputs, long rows, CancellationToken cancellationToken)
    {
        Inputs = inputs;
        Rows = rows;
        CancellationToken = cancellationToken;
        _pendingParts = 1;
    }

    public IReadOnlyDictionary<string, Tensor> Inputs { get; }

    /// <summary>When the task was created, in Stopwatch ticks, for the queuing-latency metric.</summary>
    public long CreatedTicks { get; } = System.Diagnostics.Stopwatch.GetTimestamp();

    /// <summary>The size of dimension 0 shared by every input.</summary>
    public long Rows { get; }

    public CancellationToken CancellationToken { get; }

    private void StopQueueSpan() => Interlocked.Exchange(ref _queueSpan, null)?.Dispose();

    public ValueTask<IReadOnlyDictionary<string, Tensor>> AsValueTask() => new(this, _completion.Version);

    /// <summary>Set by the queue, under the scheduler's lock, before any part can be taken.</summary>
    public void SetPartCount(int parts) => _pendingParts = parts;

    /// <summary>Watches the caller's token while the task waits; a cancel before any part runs answers at once.</summary>
    public void WatchCancellation()
    {
        if (!CancellationToken.CanBeCanceled)
        {
            return;
        }

        _registration = CancellationToken.UnsafeRegister(static state => ((BatchTask)state!).OnCancelled(), this);
        Interlocked.MemoryBarrier();
        if (Volatile.Read(ref _completed) != 0)
        {
            _registration.Unregister();
        }
    }

    /// <summary>
    /// Claims the task for a batch that is about to run. False once the caller was answered (cancelled while
    /// queued): its inputs may already be gone, so the batch leaves it out.
    /// </summary>
    public bool TryStart()
    {
        StopQueueSpan();
        var state = Interlocked.CompareExchange(ref _state, Running, Queued);
        return state != Abandoned;
    }

    /// <summary>Hands the batch's outputs over whole: the batch was exactly this task's rows.</summary>
    public void CompleteWhole(IReadOnlyDictionary<string, Tensor> outputs)
    {
        _results = outputs as Dictionary<string, Tensor> ?? new Dictionary<string, Tensor>(outputs, StringComparer.Ordinal);
        PartDone(null);
    }

    /// <summary>
    /// Copies <paramref name="rows"/> rows of <paramref name="batched"/> from <paramref name="batchRow"/> into
    /// this task's output <paramref name="alias"/> at <paramref name="taskRow"/>, creating it on first use.
    /// </summary>
    public void AcceptRows(string alias, Tensor batched, long batchRow, long taskRow, long rows)
    {
        Tensor target;
        lock (this)
        {
            _results ??= new Dictionary<string, Tensor>(StringComparer.Ordinal);
            if (!_results.TryGetValue(alias, out target!))
            {
                var shape = (long[])batched.Shape.Clone();
                shape[0] = Rows;
                target = batched.IsString
                    ? Tensor.FromStrings(shape, new byte[Tensor.ElementCountOf(shape)][])
                    : Tensor.Allocate(batched.DataType, shape);
                _results.Add(alias, target);
            }
            else if (target.DataType != batched.DataType || !TensorRows.SameRowShape(target.Shape, batched.Shape))
            {
                throw ServingException.Internal(
                    $"output '{alias}' came back as {batched.ShapeString} in one batch and {target.ShapeString} in another for the same request");
            }
        }

        TensorRows.Copy(batched, batchRow, target, taskRow, rows);
    }

    /// <summary>One part finished (with <paramref name="error"/> if it failed); the last one answers the caller.</summary>
    public void PartDone(Exception? error)
    {
        if (error is not null)
        {
            Interlocked.CompareExchange(ref _error, error, null);
        }

        if (Interlocked.Decrement(ref _pendingParts) == 0)
        {
            Finish();
        }
    }

    public IReadOnlyDictionary<string, Tensor> GetResult(short token) => _completion.GetResult(token);

    public ValueTaskSourceStatus GetStatus(short token) => _completion.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _completion.OnCompleted(continuation, state, token, flags);

    private void OnCancelled()
    {
        if (Interlocked.CompareExchange(ref _state, Abandoned, Queued) == Queued)
        {
            Answer(null, BatchingErrors.ExpiredInQueue());
        }
    }

    private void Finish()
    {
        var error = _error;
        if (error is null)
        {
            Answer(_results ?? new Dictionary<string, Tensor>(StringComparer.Ordinal), null);
            return;
        }

        if (_results is not null)
        {
            foreach (var tensor in _results.Values)
            {
                tensor.Dispose();
            }
        }

        Answer(null, OwnCopy(error));
    }

    private void Answer(IReadOnlyDictionary<string, Tensor>? results, Exception? error)
    {
        if (Interlocked.Exchange(ref _completed, 1) != 0)
        {
            return;
        }

        _registration.Unregister();
        StopQueueSpan();
        if (error is null)
        {
            _completion.SetResult(results!);
        }
        else
        {
            _completion.SetException(error);
        }
    }

    /// <summary>Every task of a failed batch gets its own exception object: they are thrown on many threads at once.</summary>
    private Exception OwnCopy(Exception error) => error switch
    {
        ServingException serving => new ServingException(serving.Code, serving.Message, serving),
        OperationCanceledException cancelled => new OperationCanceledException(cancelled.Message, cancelled, CancellationToken),
        _ => ServingException.Internal(error.Message, error),
    };
}
