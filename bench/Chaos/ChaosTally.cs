using System.Collections.Concurrent;

namespace NServe.Bench.Chaos;

/// <summary>Counts of requests, answers, expected and unexpected errors, and fault actions, safe to bump from any thread.</summary>
public sealed class ChaosTally
{
    private const int KeptExamples = 30;
    private readonly ConcurrentDictionary<string, long> _counts = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _unexpected = new();
    private long _unexpectedCount;

    public void Count(string name, long by = 1) => _counts.AddOrUpdate(name, by, (_, n) => n + by);

    public void Unexpected(string what)
    {
        Interlocked.Increment(ref _unexpectedCount);
        Count("unexpected");
        if (_unexpected.Count < KeptExamples)
        {
            _unexpected.Enqueue(what);
        }
    }

    public long UnexpectedCount => Interlocked.Read(ref _unexpectedCount);

    public IReadOnlyList<string> UnexpectedExamples => [.. _unexpected];

    public IReadOnlyDictionary<string, long> Counts => new SortedDictionary<string, long>(_counts, StringComparer.Ordinal);

    public long Get(string name) => _counts.TryGetValue(name, out var n) ? n : 0;
}
