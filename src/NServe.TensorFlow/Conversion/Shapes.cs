namespace NServe.TensorFlow.Conversion;

/// <summary>Partial-shape arithmetic: dims are -1 when unknown, a null shape is unknown rank.</summary>
internal static class Shapes
{
    /// <summary>NumPy/TensorFlow broadcasting of two partial shapes.</summary>
    public static long[]? Broadcast(long[]? a, long[]? b)
    {
        if (a is null || b is null)
        {
            return null;
        }

        var rank = Math.Max(a.Length, b.Length);
        var result = new long[rank];
        for (var i = 0; i < rank; i++)
        {
            var da = i < rank - a.Length ? 1 : a[i - (rank - a.Length)];
            var db = i < rank - b.Length ? 1 : b[i - (rank - b.Length)];
            result[i] = da == 1 ? db : db == 1 ? da : da == db ? da : da < 0 ? db : db < 0 ? da : -1;
        }

        return result;
    }

    /// <summary>The better known of two descriptions of one shape.</summary>
    public static long[]? Merge(long[]? inferred, long[]? recorded)
    {
        if (inferred is null)
        {
            return recorded;
        }

        if (recorded is null || recorded.Length != inferred.Length)
        {
            return inferred;
        }

        var result = new long[inferred.Length];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = inferred[i] >= 0 ? inferred[i] : recorded[i];
        }

        return result;
    }

    public static bool IsFullyKnown(long[]? shape) => shape is not null && shape.All(d => d >= 0);

    /// <summary>A shape of known rank whose dims are all unknown.</summary>
    public static long[]? UnknownDims(int? rank) => rank is { } r ? Enumerable.Repeat(-1L, r).ToArray() : null;

    /// <summary>A possibly negative axis made absolute for <paramref name="rank"/> (as TensorFlow checks it).</summary>
    public static int NormalizeAxis(long axis, int rank)
    {
        if (axis < -rank || axis >= rank)
        {
            throw new ConversionException($"axis {axis} is out of range for rank {rank}");
        }

        return (int)(axis < 0 ? axis + rank : axis);
    }

    public static string Format(long[]? shape) => shape is null ? "<unknown>" : "[" + string.Join(",", shape) + "]";
}
