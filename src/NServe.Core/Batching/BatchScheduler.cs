using System.Diagnostics;

namespace NServe.Core.Batching;

/// <summary>
/// One pool of batch threads shared by every batched model (TF's SharedBatchScheduler): each model
/// signature has its own queue, and a free thread takes the next due batch, going round the queues in
/// turn so no model starves another. Create one per server; dispose it after the servables it serves.
/// </summary>
public sealed class BatchScheduler : IDisposable
{
    private readonly object _gate = new();
    private readonly List<BatchQueue> _queues = [];
    private readonly Thread[] _threads;
    private int _next;
    private int _idle;
    private bool _stopping;

    /// <summary>Starts <see cref="BatchingOptions.NumBatchThreads"/> threads named after <see cref="BatchingOptions.ThreadPoolName"/>.</summary>
    public BatchScheduler(BatchingOptions options, IBatchObserver? observer = null)
    {
        Observer = observer;
        ArgumentNullException.ThrowIfNull(options);
        options.ValidateSchedulerOptions();
        ThreadPoolName = options.ThreadPoolName;
        _threads = new Thread[(int)Math.Min(options.NumBatchThreads, int.MaxValue)];
        for (var i = 0; i < _threads.Length; i++)
        {
            _threads[i] = new Thread(Work) { IsBackground = true, Name = $"{ThreadPoolName}_{i}" };
            _threads[i].Start();
        }
    }

    public int NumBatchThreads => _threads.Length;

    /// <summary>Receives batching events for metrics; null when nobody listens.</summary>
    public IBatchObserver? Observer { get; }

    public string ThreadPoolName { get; }

    /// <summary>Guards every queue's state.</summary>
    internal object Gate => _gate;

    /// <summary>Stops the threads once every queued task has run.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_stopping)
            {
                return;
            }

            _stopping = true;
            foreach (var queue in _queues)
            {
                queue.Close();
            }

            Monitor.PulseAll(_gate);
        }

        foreach (var thread in _threads)
        {
            thread.Join();
        }
    }

    internal void Add(BatchQueue queue)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_stopping, this);
            _queues.Add(queue);
        }
    }

    internal void Remove(BatchQueue queue)
    {
        lock (_gate)
        {
            var index = _queues.IndexOf(queue);
            if (index < 0)
            {
                return;
            }

            _queues.RemoveAt(index);
            if (_next > index)
            {
                _next--;
            }

            if (_next >= _queues.Count)
            {
                _next = 0;
            }
        }
    }

    /// <summary>A queue has a batch due: wake a waiting thread. Caller holds <see cref="Gate"/>.</summary>
    internal void Signal()
    {
        if (_idle > 0)
        {
            Monitor.Pulse(_gate);
        }
    }

    /// <summary>Wakes every thread (a queue closed, so its open batch is due). Caller holds <see cref="Gate"/>.</summary>
    internal void SignalAll() => Monitor.PulseAll(_gate);

    private void Work()
    {
        while (true)
        {
            BatchQueue queue;
            Batch batch;
            lock (_gate)
            {
                while (!TryTake(out queue, out batch))
                {
                    if (_stopping)
                    {
                        return;
                    }

                    _idle++;
                    Monitor.Wait(_gate, WaitMilliseconds());
                    _idle--;
                }

                // More work due than this thread takes: pass the word on.
                if (_idle > 0 && AnyDue())
                {
                    Monitor.Pulse(_gate);
                }
            }

            try
            {
                queue.Process(batch);
            }
            finally
            {
                lock (_gate)
                {
                    queue.Finished(batch);
                }
            }
        }
    }

    private bool TryTake(out BatchQueue queue, out Batch batch)
    {
        var now = Stopwatch.GetTimestamp();
        var count = _queues.Count;
        for (var i = 0; i < count; i++)
        {
            var index = (_next + i) % count;
            if (_queues[index].TryTake(now, out batch))
            {
                queue = _queues[index];
                _next = (index + 1) % count;
                return true;
            }
        }

        queue = null!;
        batch = null!;
        return false;
    }

    private bool AnyDue()
    {
        var now = Stopwatch.GetTimestamp();
        foreach (var queue in _queues)
        {
            if (queue.HasSchedulableBatch(now))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Until the earliest open batch times out (at least 1 ms, as TF's own poll); infinite when none waits.</summary>
    private int WaitMilliseconds()
    {
        var due = long.MaxValue;
        foreach (var queue in _queues)
        {
            due = Math.Min(due, queue.DueTicks());
        }

        if (due == long.MaxValue)
        {
            return Timeout.Infinite;
        }

        var remaining = due - Stopwatch.GetTimestamp();
        var milliseconds = Math.Ceiling(remaining * 1000.0 / Stopwatch.Frequency);
        return (int)Math.Clamp(milliseconds, 1, int.MaxValue);
    }
}
