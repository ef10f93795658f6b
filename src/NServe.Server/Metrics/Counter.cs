namespace NServe.Server.Metrics;

/// <summary>One counter series: a 64-bit count, added to with one interlocked instruction.</summary>
public sealed class Counter
{
    private long _value;

    public long Value => Volatile.Read(ref _value);

    public void Increment() => Interlocked.Increment(ref _value);

    public void Add(long amount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(amount);
        Interlocked.Add(ref _value, amount);
    }
}
