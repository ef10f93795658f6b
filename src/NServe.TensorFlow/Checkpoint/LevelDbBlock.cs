using System.Buffers.Binary;

namespace NServe.TensorFlow.Checkpoint;

/// <summary>
/// The entries of one uncompressed LevelDB block. Layout: entries, each
/// <c>varint32 shared · varint32 unshared · varint32 value_length · key suffix · value</c> where the key
/// shares <c>shared</c> leading bytes with the previous key; then a fixed32 array of restart offsets (entries
/// that store their whole key) and a fixed32 count of them.
/// </summary>
internal static class LevelDbBlock
{
    /// <summary>Decodes every entry in order; <paramref name="describe"/> names the block in errors.</summary>
    public static List<TableEntry> ReadEntries(ReadOnlyMemory<byte> block, string filePath, string describe)
    {
        var span = block.Span;
        if (span.Length < 4)
        {
            throw CheckpointException.Corrupt(filePath, $"{describe} is {span.Length} bytes, too short for a block");
        }

        var restartCount = BinaryPrimitives.ReadUInt32LittleEndian(span[^4..]);
        if (restartCount > (uint)(span.Length - 4) / 4)
        {
            throw CheckpointException.Corrupt(filePath, $"{describe} claims {restartCount} restart points in {span.Length} bytes");
        }

        var entries = new List<TableEntry>();
        if (restartCount == 0)
        {
            return entries; // LevelDB reads a block without restart points as empty.
        }

        var limit = span.Length - (4 * ((int)restartCount + 1));
        var restarts = span[limit..^4];
        var nextRestart = 0;
        var position = 0;
        var previousKey = Array.Empty<byte>();
        while (position < limit)
        {
            var entryStart = position;
            if (!Varint.TryRead32(span[..limit], ref position, out var shared)
                || !Varint.TryRead32(span[..limit], ref position, out var unshared)
                || !Varint.TryRead32(span[..limit], ref position, out var valueLength))
            {
                throw CheckpointException.Corrupt(filePath, $"{describe} has a truncated entry header at byte {entryStart}");
            }

            if (shared > previousKey.Length || (ulong)unshared + valueLength > (ulong)(limit - position))
            {
                throw CheckpointException.Corrupt(filePath, $"{describe} has an entry at byte {entryStart} that runs past its bounds");
            }

            // An entry at a restart point must carry its whole key; a wrong restart array means damage.
            if (nextRestart < restartCount
                && BinaryPrimitives.ReadUInt32LittleEndian(restarts[(4 * nextRestart)..]) == (uint)entryStart)
            {
                if (shared != 0)
                {
                    throw CheckpointException.Corrupt(filePath, $"{describe} has a restart entry at byte {entryStart} that shares a key prefix");
                }

                nextRestart++;
            }

            var key = new byte[shared + unshared];
            previousKey.AsSpan(0, (int)shared).CopyTo(key);
            span.Slice(position, (int)unshared).CopyTo(key.AsSpan((int)shared));
            position += (int)unshared;
            entries.Add(new TableEntry(key, block.Slice(position, (int)valueLength)));
            position += (int)valueLength;
            previousKey = key;
        }

        // An empty block (a writer's empty metaindex, say) still lists one restart at offset 0.
        if (nextRestart != restartCount && limit != 0)
        {
            throw CheckpointException.Corrupt(filePath, $"{describe} has restart points that do not start entries");
        }

        return entries;
    }
}
