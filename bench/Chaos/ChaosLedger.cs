using System.Diagnostics;

namespace NServe.Bench.Chaos;

/// <summary>
/// Everything the fault injector did and when (milliseconds since the run began), so each answer and each
/// error can be judged: an answer must come from a version whose files were complete before the request
/// was sent; a NOT_FOUND is expected only when the driver removed what the request named.
/// </summary>
public sealed class ChaosLedger
{
    /// <summary>How long after a config is issued the server may still act on the one before (file polling, reload).</summary>
    public const double ConfigSlackMs = 5000;

    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Lock _gate = new();
    private readonly Dictionary<long, double> _completed = [];
    private readonly Dictionary<long, double> _deleted = [];
    private readonly HashSet<long> _corrupt = [];
    private readonly List<(double At, string Label, long Version)> _labels = [];
    private readonly List<(double At, bool Present)> _extra = [(0, true)];

    public double Now => _clock.Elapsed.TotalMilliseconds;

    public void VersionCompleted(long version)
    {
        lock (_gate)
        {
            _completed[version] = Now;
        }
    }

    public void VersionCorrupt(long version)
    {
        lock (_gate)
        {
            _corrupt.Add(version);
        }
    }

    public bool IsCorrupt(long version)
    {
        lock (_gate)
        {
            return _corrupt.Contains(version);
        }
    }

    /// <summary>Called before the folder is deleted, so requests that race the delete are judged by it.</summary>
    public void VersionDeleted(long version)
    {
        lock (_gate)
        {
            _deleted[version] = Now;
        }
    }

    public void LabelsIssued(IReadOnlyDictionary<string, long> labels, bool extraPresent)
    {
        lock (_gate)
        {
            var at = Now;
            foreach (var (label, version) in labels)
            {
                _labels.Add((at, label, version));
            }

            _extra.Add((at, extraPresent));
        }
    }

    /// <summary>True when <paramref name="version"/> was written whole (and is not the corrupt kind) before <paramref name="sentAt"/>.</summary>
    public bool MayAnswer(long version, double sentAt)
    {
        lock (_gate)
        {
            return _completed.TryGetValue(version, out var at) && at <= sentAt && !_corrupt.Contains(version);
        }
    }

    public bool WasDeletedBy(long version, double at)
    {
        lock (_gate)
        {
            return _deleted.TryGetValue(version, out var deleted) && deleted <= at;
        }
    }

    /// <summary>The versions <paramref name="label"/> may point at for a request in flight between the two times.</summary>
    public IReadOnlyList<long> LabelTargets(string label, double sentAt, double receivedAt)
    {
        lock (_gate)
        {
            var from = sentAt - ConfigSlackMs;
            var targets = new List<long>();
            long? before = null;
            foreach (var (at, name, version) in _labels)
            {
                if (name != label)
                {
                    continue;
                }

                if (at <= from)
                {
                    before = version;
                }
                else if (at <= receivedAt)
                {
                    targets.Add(version);
                }
            }

            if (before is { } b)
            {
                targets.Add(b);
            }

            return targets;
        }
    }

    /// <summary>True when a config without the extra model was issued shortly before or during the request.</summary>
    public bool ExtraMayBeAbsent(double sentAt, double receivedAt)
    {
        lock (_gate)
        {
            // Loading it again after a config brings it back takes a moment too.
            var from = sentAt - (ConfigSlackMs * 3);
            var present = true;
            foreach (var (at, isPresent) in _extra)
            {
                if (at <= from)
                {
                    present = isPresent;
                }
                else if (at <= receivedAt && !isPresent)
                {
                    return true;
                }
            }

            return !present;
        }
    }
}
