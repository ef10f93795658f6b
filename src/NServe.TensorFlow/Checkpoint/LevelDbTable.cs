using System.Buffers.Binary;
using NServe.Core.Hashing;

namespace NServe.TensorFlow.Checkpoint;

/// <summary>
/// A LevelDB-format sorted table (SSTable), the format of TensorFlow's <c>variables.index</c>. Read whole into
/// memory: index files are small. Layout: data blocks, a metaindex block, an index block (key ≥ last key of
/// a data block → its handle), then a 48-byte footer (two handles, padding, magic). Each block is followed
/// by a trailer: one compression byte (0 none, 1 Snappy) and the masked CRC32C of contents plus that byte.
/// </summary>
public sealed class LevelDbTable
{
    private const int FooterLength = 48;
    private const int TrailerLength = 5;
    private const ulong Magic = 0xdb4775248b80fb57;
    private const byte NoCompression = 0;
    private const byte SnappyCompression = 1;

    private readonly byte[] _file;
    private readonly List<BlockHandle> _dataBlocks;

    private LevelDbTable(byte[] file, string filePath)
    {
        _file = file;
        FilePath = filePath;
        _dataBlocks = ReadIndex();
    }

    /// <summary>The file the table was read from, named in every error.</summary>
    public string FilePath { get; }

    /// <summary>The data blocks the index lists, in order.</summary>
    internal IReadOnlyList<BlockHandle> DataBlocks => _dataBlocks;

    /// <summary>Reads and checks the table's footer and index; data blocks are read by <see cref="ReadEntries"/>.</summary>
    public static LevelDbTable Open(string filePath)
    {
        byte[] file;
        try
        {
            file = File.ReadAllBytes(filePath);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw CheckpointException.Missing(filePath, "variables index", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw CheckpointException.Unreadable(filePath, "variables index", e);
        }

        return new LevelDbTable(file, filePath);
    }

    /// <summary>A table over bytes already in memory; <paramref name="filePath"/> names it in errors.</summary>
    public static LevelDbTable FromBytes(byte[] file, string filePath) => new(file, filePath);

    /// <summary>Every entry, in key order, with each data block's checksum verified.</summary>
    public IEnumerable<TableEntry> ReadEntries()
    {
        byte[]? previousKey = null;
        for (var i = 0; i < _dataBlocks.Count; i++)
        {
            var describe = $"data block {i} (offset {_dataBlocks[i].Offset})";
            foreach (var entry in LevelDbBlock.ReadEntries(ReadBlock(_dataBlocks[i], describe), FilePath, describe))
            {
                if (previousKey is not null && entry.Key.AsSpan().SequenceCompareTo(previousKey) <= 0)
                {
                    throw CheckpointException.Corrupt(FilePath, $"{describe} holds keys out of order");
                }

                previousKey = entry.Key;
                yield return entry;
            }
        }
    }

    private List<BlockHandle> ReadIndex()
    {
        if (_file.Length < FooterLength)
        {
            throw CheckpointException.Corrupt(FilePath, $"the file is {_file.Length} bytes, shorter than a table footer");
        }

        var footer = _file.AsSpan(_file.Length - FooterLength);
        if (BinaryPrimitives.ReadUInt64LittleEndian(footer[40..]) != Magic)
        {
            throw CheckpointException.Corrupt(FilePath, "the table footer's magic number is wrong (not a LevelDB table, or truncated)");
        }

        var position = 0;
        if (!BlockHandle.TryDecode(footer[..40], ref position, out var metaIndex)
            || !BlockHandle.TryDecode(footer[..40], ref position, out var index))
        {
            throw CheckpointException.Corrupt(FilePath, "the table footer's block handles cannot be decoded");
        }

        CheckInFile(metaIndex, "metaindex block");
        var indexBlock = ReadBlock(index, "index block");
        var handles = new List<BlockHandle>();
        foreach (var entry in LevelDbBlock.ReadEntries(indexBlock, FilePath, "index block"))
        {
            var valuePosition = 0;
            if (!BlockHandle.TryDecode(entry.Value.Span, ref valuePosition, out var handle))
            {
                throw CheckpointException.Corrupt(FilePath, $"index entry {handles.Count} holds no valid block handle");
            }

            CheckInFile(handle, $"data block {handles.Count}");
            handles.Add(handle);
        }

        return handles;
    }

    private void CheckInFile(BlockHandle handle, string describe)
    {
        var end = (ulong)(_file.Length - FooterLength);
        if (handle.Offset > end || handle.Size > end - handle.Offset || end - handle.Offset - handle.Size < TrailerLength)
        {
            throw CheckpointException.Corrupt(FilePath, $"{describe} (offset {handle.Offset}, size {handle.Size}) lies outside the file");
        }
    }

    private ReadOnlyMemory<byte> ReadBlock(BlockHandle handle, string describe)
    {
        CheckInFile(handle, describe);
        var offset = (int)handle.Offset;
        var size = (int)handle.Size;
        var contentsAndType = _file.AsSpan(offset, size + 1);
        var stored = Crc32C.Unmask(BinaryPrimitives.ReadUInt32LittleEndian(_file.AsSpan(offset + size + 1)));
        var actual = Crc32C.Compute(contentsAndType);
        if (stored != actual)
        {
            throw CheckpointException.Corrupt(FilePath, $"checksum mismatch in {describe}: stored {stored:x8}, computed {actual:x8}");
        }

        var contents = _file.AsMemory(offset, size);
        switch (contentsAndType[size])
        {
            case NoCompression:
                return contents;
            case SnappyCompression:
                try
                {
                    return Snappier.Snappy.DecompressToArray(contents.Span);
                }
                catch (Exception e) when (e is InvalidDataException or ArgumentException or OverflowException or IndexOutOfRangeException)
                {
                    throw CheckpointException.Corrupt(FilePath, $"{describe} is not valid Snappy data", e);
                }

            default:
                throw CheckpointException.Corrupt(FilePath, $"{describe} has unknown compression type {contentsAndType[size]}");
        }
    }
}
