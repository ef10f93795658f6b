namespace NServe.Server.Metrics;

/// <summary>
/// The label values of one series, up to three (TF Serving's metrics have at most three labels). A value
/// type, so looking a series up on the request path allocates nothing.
/// </summary>
public readonly struct LabelValues : IEquatable<LabelValues>
{
    public const int MaxCount = 3;

    private readonly string? _first;
    private readonly string? _second;
    private readonly string? _third;

    public LabelValues(string first)
    {
        _first = first ?? "";
        Count = 1;
    }

    public LabelValues(string first, string second)
    {
        _first = first ?? "";
        _second = second ?? "";
        Count = 2;
    }

    public LabelValues(string first, string second, string third)
    {
        _first = first ?? "";
        _second = second ?? "";
        _third = third ?? "";
        Count = 3;
    }

    public static LabelValues None => default;

    public int Count { get; }

    public string this[int index] => index switch
    {
        0 when Count > 0 => _first!,
        1 when Count > 1 => _second!,
        2 when Count > 2 => _third!,
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    public bool Equals(LabelValues other) =>
        Count == other.Count
        && string.Equals(_first, other._first, StringComparison.Ordinal)
        && string.Equals(_second, other._second, StringComparison.Ordinal)
        && string.Equals(_third, other._third, StringComparison.Ordinal);

    public override bool Equals(object? obj) => obj is LabelValues other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(Count, _first, _second, _third);

    public static bool operator ==(LabelValues left, LabelValues right) => left.Equals(right);

    public static bool operator !=(LabelValues left, LabelValues right) => !left.Equals(right);

    /// <summary>Orders series on the page by their values, so the page is the same for the same data.</summary>
    internal static int CompareOrdinal(LabelValues left, LabelValues right)
    {
        var count = Math.Min(left.Count, right.Count);
        for (var i = 0; i < count; i++)
        {
            var order = string.CompareOrdinal(left[i], right[i]);
            if (order != 0)
            {
                return order;
            }
        }

        return left.Count.CompareTo(right.Count);
    }
}
