namespace NServe.Core.Batching;

/// <summary>
/// The token a batch runs under: a lone task's own token, or one that is cancelled once every task of the
/// batch has been cancelled (TF runs a batch until the latest deadline among its tasks).
/// </summary>
internal sealed class BatchCancellation : IDisposable
{
    private static readonly BatchCancellation None = new(null, 0);

    private readonly CancellationTokenSource? _source;
    private readonly CancellationTokenRegistration[] _registrations;
    private int _remaining;

    private BatchCancellation(CancellationTokenSource? source, int tasks)
    {
        _source = source;
        _registrations = tasks == 0 ? [] : new CancellationTokenRegistration[tasks];
        _remaining = tasks;
    }

    public CancellationToken Token { get; private init; }

    public static BatchCancellation For(List<BatchTaskPart> parts)
    {
        if (parts.Count == 1)
        {
            return new BatchCancellation(null, 0) { Token = parts[0].Task.CancellationToken };
        }

        foreach (var part in parts)
        {
            if (!part.Task.CancellationToken.CanBeCanceled)
            {
                return None;
            }
        }

        var source = new CancellationTokenSource();
        var cancellation = new BatchCancellation(source, parts.Count) { Token = source.Token };
        for (var i = 0; i < parts.Count; i++)
        {
            cancellation._registrations[i] = parts[i].Task.CancellationToken.UnsafeRegister(
                static state => ((BatchCancellation)state!).OnTaskCancelled(), cancellation);
        }

        return cancellation;
    }

    public void Dispose()
    {
        if (_source is null)
        {
            return;
        }

        // Dispose waits for a callback in flight, so Cancel never meets a disposed source.
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }

        _source.Dispose();
    }

    private void OnTaskCancelled()
    {
        if (Interlocked.Decrement(ref _remaining) == 0)
        {
            _source!.Cancel();
        }
    }
}
