using System.Collections.Concurrent;

namespace NServe.Server.Metrics;

/// <summary>
/// The series of one family by label values. Finding an existing series takes no lock and allocates
/// nothing; a new one is created once. Label values come from requests (model names), so the number of
/// series is capped: past the cap, new label values record into one series that is not exported, rather
/// than letting a client grow the page and the memory without bound.
/// </summary>
internal sealed class SeriesTable<TSeries>(Func<TSeries> create, int maxSeries)
    where TSeries : class
{
    private readonly ConcurrentDictionary<LabelValues, TSeries> _series = new();
    private readonly TSeries _overflow = create();
    private int _count;

    public TSeries Get(in LabelValues values)
    {
        if (_series.TryGetValue(values, out var series))
        {
            return series;
        }

        return Add(values);
    }

    /// <summary>Every exported series, ordered by label values.</summary>
    public List<KeyValuePair<LabelValues, TSeries>> Snapshot()
    {
        var list = _series.ToList();
        list.Sort((a, b) => LabelValues.CompareOrdinal(a.Key, b.Key));
        return list;
    }

    private TSeries Add(LabelValues values)
    {
        if (Volatile.Read(ref _count) >= maxSeries)
        {
            return _overflow;
        }

        var created = create();
        var stored = _series.GetOrAdd(values, created);
        if (ReferenceEquals(stored, created))
        {
            Interlocked.Increment(ref _count);
        }

        return stored;
    }
}
