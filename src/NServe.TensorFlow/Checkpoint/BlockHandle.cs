namespace NServe.TensorFlow.Checkpoint;

/// <summary>Where a LevelDB block lies in its table file: offset and size of its contents, trailer excluded.</summary>
internal readonly record struct BlockHandle(ulong Offset, ulong Size)
{
    /// <summary>Two varint64s: offset, then size.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> data, ref int position, out BlockHandle handle)
    {
        if (Varint.TryRead64(data, ref position, out var offset) && Varint.TryRead64(data, ref position, out var size))
        {
            handle = new BlockHandle(offset, size);
            return true;
        }

        handle = default;
        return false;
    }
}
