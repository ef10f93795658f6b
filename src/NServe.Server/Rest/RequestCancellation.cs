using System.Collections.Concurrent;

namespace NServe.Server.Rest;

/// <summary>
/// One REST request's cancellation: it fires when <c>--rest_api_timeout_in_ms</c> has passed or the client
/// has gone away. A timed source plus a linked one per request cost two sources, a timer and their
/// registrations on every request; this is one pooled source (its timer is re-armed, not re-created) with
/// one registration on the client's abort token.
/// </summary>
internal sealed class RequestCancellation : IDisposable
{
    private const int MaxPooled = 256;

    private static readonly ConcurrentQueue<RequestCancellation> Pool = new();
    private static int _pooledCount;

    private readonly CancellationTokenSource _source = new();
    private CancellationToken _aborted;
    private CancellationTokenRegistration _abortRegistration;

    private RequestCancellation()
    {
    }

    /// <summary>The token to pass down: cancelled on timeout or abort.</summary>
    public CancellationToken Token => _source.Token;

    /// <summary>True when the timeout fired (rather than the client going away): the request answers 504.</summary>
    public bool TimedOut => _source.IsCancellationRequested && !_aborted.IsCancellationRequested;

    /// <summary>Starts the clock: <paramref name="timeoutMilliseconds"/> of 0 or less means no limit.</summary>
    public static RequestCancellation Start(int timeoutMilliseconds, CancellationToken aborted)
    {
        if (!Pool.TryDequeue(out var cancellation))
        {
            cancellation = new RequestCancellation();
        }
        else
        {
            Interlocked.Decrement(ref _pooledCount);
        }

        cancellation._aborted = aborted;
        cancellation._abortRegistration = aborted.UnsafeRegister(static state => ((CancellationTokenSource)state!).Cancel(), cancellation._source);
        if (timeoutMilliseconds > 0)
        {
            cancellation._source.CancelAfter(timeoutMilliseconds);
        }

        return cancellation;
    }

    /// <summary>
    /// Stops the clock. A source that never fired is reset and pooled (TryReset drops any registration left
    /// on it); a fired one is thrown away. Nothing may use the token once the request is answered.
    /// </summary>
    public void Dispose()
    {
        // Dispose waits for a running abort callback, so the source is quiet once this returns.
        _abortRegistration.Dispose();
        _abortRegistration = default;
        _aborted = default;
        if (_source.TryReset())
        {
            if (Interlocked.Increment(ref _pooledCount) <= MaxPooled)
            {
                Pool.Enqueue(this);
                return;
            }

            Interlocked.Decrement(ref _pooledCount);
        }

        _source.Dispose();
    }
}
