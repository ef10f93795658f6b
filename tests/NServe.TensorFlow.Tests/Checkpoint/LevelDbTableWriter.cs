using System.Buffers.Binary;
using NServe.Core.Hashing;

namespace NServe.TensorFlow.Tests.Checkpoint;

/// <summary>
/// Writes LevelDB tables for tests, following LevelDB's table_builder: prefix-compressed keys with a restart
/// point every <c>restartInterval</c> entries, blocks cut at <c>blockSize</c> bytes, optional Snappy.
/// Index keys are the last key of each block (valid separators, if not the shortest).
/// </summary>
internal sealed class LevelDbTableWriter(int blockSize = 4096, int restartInterval = 16, bool snappy = false)
{
    private readonly List<(byte[] Key, byte[] Value)> _entries = [];

    public LevelDbTableWriter Add(byte[] key, byte[] value)
    {
        _entries.Add((key, value));
        return this;
    }

    public byte[] Build()
    {
        var file = new List<byte>();
        var index = new List<(byte[] Key, byte[] Value)>();
        var pending = new List<(byte[] Key, byte[] Value)>();
        var pendingSize = 0;
        foreach (var entry in _entries.OrderBy(e => e.Key, ByteComparer.Instance))
        {
            pending.Add(entry);
            pendingSize += entry.Key.Length + entry.Value.Length + 3;
            if (pendingSize >= blockSize)
            {
                index.Add((pending[^1].Key, WriteBlock(file, BuildBlock(pending, restartInterval), snappy)));
                pending.Clear();
                pendingSize = 0;
            }
        }

        if (pending.Count > 0)
        {
            index.Add((pending[^1].Key, WriteBlock(file, BuildBlock(pending, restartInterval), snappy)));
        }

        var metaIndex = WriteBlock(file, BuildBlock([], restartInterval), false);
        var indexHandle = WriteBlock(file, BuildBlock(index, 1), false);
        var footer = new byte[48];
        var handles = metaIndex.Concat(indexHandle).ToArray();
        handles.CopyTo(footer, 0);
        BinaryPrimitives.WriteUInt64LittleEndian(footer.AsSpan(40), 0xdb4775248b80fb57);
        file.AddRange(footer);
        return [.. file];
    }

    public static byte[] BuildBlock(IReadOnlyList<(byte[] Key, byte[] Value)> entries, int restartInterval)
    {
        var block = new List<byte>();
        var restarts = new List<int>();
        var previous = Array.Empty<byte>();
        for (var i = 0; i < entries.Count; i++)
        {
            var (key, value) = entries[i];
            var shared = 0;
            if (i % restartInterval == 0)
            {
                restarts.Add(block.Count);
            }
            else
            {
                while (shared < key.Length && shared < previous.Length && key[shared] == previous[shared])
                {
                    shared++;
                }
            }

            PutVarint(block, (ulong)shared);
            PutVarint(block, (ulong)(key.Length - shared));
            PutVarint(block, (ulong)value.Length);
            block.AddRange(key.AsSpan(shared).ToArray());
            block.AddRange(value);
            previous = key;
        }

        if (restarts.Count == 0)
        {
            restarts.Add(0);
        }

        foreach (var restart in restarts)
        {
            block.AddRange(BitConverter.GetBytes(restart));
        }

        block.AddRange(BitConverter.GetBytes(restarts.Count));
        return [.. block];
    }

    /// <summary>Appends contents and trailer; returns the encoded handle.</summary>
    public static byte[] WriteBlock(List<byte> file, byte[] contents, bool snappy)
    {
        var stored = snappy ? Snappier.Snappy.CompressToArray(contents) : contents;
        var offset = file.Count;
        file.AddRange(stored);
        var type = (byte)(snappy ? 1 : 0);
        file.Add(type);
        var crc = Crc32C.Mask(Crc32C.Extend(Crc32C.Compute(stored), [type]));
        file.AddRange(BitConverter.GetBytes(crc));
        var handle = new List<byte>();
        PutVarint(handle, (ulong)offset);
        PutVarint(handle, (ulong)stored.Length);
        return [.. handle];
    }

    public static void PutVarint(List<byte> output, ulong value)
    {
        while (value >= 0x80)
        {
            output.Add((byte)(value | 0x80));
            value >>= 7;
        }

        output.Add((byte)value);
    }

    private sealed class ByteComparer : IComparer<byte[]>
    {
        public static readonly ByteComparer Instance = new();

        public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
    }
}
