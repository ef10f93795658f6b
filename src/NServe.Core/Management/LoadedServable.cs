using NServe.Core.Servables;

namespace NServe.Core.Management;

/// <summary>
/// A loaded version with a reference count: the manager holds one reference while the version is
/// available, and each request holds one while it runs. The servable is disposed when the last one goes,
/// so an unload never pulls a model out from under a running request, and a request never waits on a lock.
/// </summary>
internal sealed class LoadedServable(IServable servable)
{
    private int _references = 1;
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IServable Servable { get; } = servable;

    /// <summary>Completes once the servable has been disposed.</summary>
    public Task Released => _released.Task;

    public bool TryAcquire()
    {
        while (true)
        {
            var current = Volatile.Read(ref _references);
            if (current == 0)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _references, current + 1, current) == current)
            {
                return true;
            }
        }
    }

    public void Release()
    {
        if (Interlocked.Decrement(ref _references) == 0)
        {
            try
            {
                Servable.Dispose();
            }
            finally
            {
                _released.TrySetResult();
            }
        }
    }
}
