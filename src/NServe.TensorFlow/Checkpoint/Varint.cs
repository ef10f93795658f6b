namespace NServe.TensorFlow.Checkpoint;

/// <summary>LevelDB's / protobuf's base-128 varints, read from a span at a moving position.</summary>
internal static class Varint
{
    /// <summary>Reads a varint of at most 64 bits; false when the bytes end early or it runs too long.</summary>
    public static bool TryRead64(ReadOnlySpan<byte> data, ref int position, out ulong value)
    {
        value = 0;
        for (var shift = 0; shift < 64 && position < data.Length; shift += 7)
        {
            var b = data[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Reads a varint that must fit in 32 bits.</summary>
    public static bool TryRead32(ReadOnlySpan<byte> data, ref int position, out uint value)
    {
        var start = position;
        if (TryRead64(data, ref position, out var wide) && wide <= uint.MaxValue && position - start <= 5)
        {
            value = (uint)wide;
            return true;
        }

        value = 0;
        return false;
    }
}
