using System.Buffers.Binary;
using System.Text;
using NServe.Core.Errors;
using NServe.Core.Hashing;
using NServe.TensorFlow.Checkpoint;

namespace NServe.TensorFlow.Tests.Checkpoint;

public class LevelDbTableTests
{
    private const string FileName = "/models/x/variables/variables.index";

    [Theory]
    [InlineData(false, 1)]
    [InlineData(false, 3)]
    [InlineData(true, 16)]
    public void ReadsBackEveryEntryInKeyOrder(bool snappy, int restartInterval)
    {
        var writer = new LevelDbTableWriter(blockSize: 200, restartInterval: restartInterval, snappy: snappy);
        var expected = new SortedDictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < 500; i++)
        {
            var key = $"layer_{i % 17}/kernel/{i:D4}";
            var value = new string((char)('a' + (i % 26)), i % 40);
            expected[key] = value;
            writer.Add(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(value));
        }

        var table = LevelDbTable.FromBytes(writer.Build(), FileName);
        var actual = table.ReadEntries()
            .Select(e => (Encoding.UTF8.GetString(e.Key), Encoding.UTF8.GetString(e.Value.Span)))
            .ToList();

        Assert.Equal(expected.Select(p => (p.Key, p.Value)).ToList(), actual);
    }

    [Fact]
    public void EmptyTableHasNoEntries()
    {
        Assert.Empty(LevelDbTable.FromBytes(new LevelDbTableWriter().Build(), FileName).ReadEntries());
    }

    [TestDataTheory]
    [MemberData(nameof(IndexFiles))]
    public void RealIndexFilesStartWithTheHeaderKeyAndAreOrdered(string prefix)
    {
        var entries = LevelDbTable.Open(CheckpointTestData.Path(prefix + ".index")).ReadEntries().ToList();

        Assert.True(entries.Count >= 2, $"{prefix}: a header and at least one tensor");
        Assert.Empty(entries[0].Key);
        for (var i = 1; i < entries.Count; i++)
        {
            Assert.True(entries[i].Key.AsSpan().SequenceCompareTo(entries[i - 1].Key) > 0);
        }
    }

    public static TheoryData<string> IndexFiles() => [.. CheckpointTestData.VariablePrefixes()];

    [TestDataFact]
    public void ReadsTheSnappyCompressedIndex()
    {
        var path = CheckpointTestData.Path("savedmodels", "tfexamples__fake_effdet_lite0_hub", "variables", "variables.index");
        var bytes = File.ReadAllBytes(path);
        var table = LevelDbTable.Open(path);

        // Every data block's trailer type byte says Snappy, and the entries still come out.
        Assert.All(table.DataBlocks, block => Assert.Equal(1, bytes[(int)(block.Offset + block.Size)]));
        var entries = table.ReadEntries().ToList();
        Assert.Contains(entries, e => Encoding.UTF8.GetString(e.Key) == "_CHECKPOINTABLE_OBJECT_GRAPH");
    }

    [Fact]
    public void FlippedByteInADataBlockIsAChecksumErrorNamingTheFile()
    {
        var bytes = new LevelDbTableWriter().Add("weights"u8.ToArray(), new byte[64]).Build();
        bytes[10] ^= 0x40;

        var error = Assert.Throws<CheckpointException>(() => LevelDbTable.FromBytes(bytes, FileName).ReadEntries().ToList());

        Assert.Equal(StatusCode.DataLoss, error.Code);
        Assert.Equal(FileName, error.FilePath);
        Assert.Contains(FileName, error.Message);
        Assert.Contains("checksum mismatch in data block 0", error.Message);
    }

    [Fact]
    public void WrongMagicIsRejected()
    {
        var bytes = new LevelDbTableWriter().Add("a"u8.ToArray(), "b"u8.ToArray()).Build();
        bytes[^1] ^= 0xFF;

        var error = Assert.Throws<CheckpointException>(() => LevelDbTable.FromBytes(bytes, FileName));

        Assert.Contains("magic", error.Message);
        Assert.Contains(FileName, error.Message);
    }

    [Fact]
    public void TruncatedFileIsRejected()
    {
        var bytes = new LevelDbTableWriter().Add("a"u8.ToArray(), "b"u8.ToArray()).Build();

        var error = Assert.Throws<CheckpointException>(() => LevelDbTable.FromBytes(bytes[..^7], FileName));

        Assert.Equal(StatusCode.DataLoss, error.Code);
        Assert.Contains(FileName, error.Message);
        Assert.Throws<CheckpointException>(() => LevelDbTable.FromBytes(bytes[..20], FileName));
    }

    [Fact]
    public void MissingFileIsNotFoundNamingTheFile()
    {
        var path = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"), "variables.index");

        var error = Assert.Throws<CheckpointException>(() => LevelDbTable.Open(path));

        Assert.Equal(StatusCode.NotFound, error.Code);
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void BlockHandleOutsideTheFileIsRejected()
    {
        var file = new List<byte>();
        var index = LevelDbTableWriter.BuildBlock([("k"u8.ToArray(), Handle(5000, 10))], 1);
        var meta = LevelDbTableWriter.WriteBlock(file, LevelDbTableWriter.BuildBlock([], 1), false);
        var indexHandle = LevelDbTableWriter.WriteBlock(file, index, false);

        var error = Assert.Throws<CheckpointException>(() => LevelDbTable.FromBytes(WithFooter(file, meta, indexHandle), FileName));

        Assert.Contains("data block 0 (offset 5000, size 10) lies outside the file", error.Message);
    }

    [Fact]
    public void RestartPointThatDoesNotStartAnEntryIsRejected()
    {
        // Two entries, the second sharing a prefix; then claim a restart at the second one.
        var block = LevelDbTableWriter.BuildBlock([("abc"u8.ToArray(), "1"u8.ToArray()), ("abd"u8.ToArray(), "2"u8.ToArray())], 16);
        var secondEntry = 3 + 3 + 1;
        var damaged = block[..^4].Concat(BitConverter.GetBytes(secondEntry)).Concat(BitConverter.GetBytes(2)).ToArray();

        var error = Assert.Throws<CheckpointException>(() => TableWithOneDataBlock(damaged, snappy: false).ReadEntries().ToList());

        Assert.Contains("shares a key prefix", error.Message);
    }

    [Fact]
    public void EntryRunningPastTheBlockIsRejected()
    {
        var block = LevelDbTableWriter.BuildBlock([("key"u8.ToArray(), "value"u8.ToArray())], 16);
        block[2] = 100; // value length

        var error = Assert.Throws<CheckpointException>(() => TableWithOneDataBlock(block, snappy: false).ReadEntries().ToList());

        Assert.Contains("runs past its bounds", error.Message);
    }

    [Fact]
    public void KeysOutOfOrderAreRejected()
    {
        var block = LevelDbTableWriter.BuildBlock([("b"u8.ToArray(), [])], 16);
        var second = LevelDbTableWriter.BuildBlock([("a"u8.ToArray(), [])], 16);
        var file = new List<byte>();
        var first = LevelDbTableWriter.WriteBlock(file, block, false);
        var next = LevelDbTableWriter.WriteBlock(file, second, false);
        var meta = LevelDbTableWriter.WriteBlock(file, LevelDbTableWriter.BuildBlock([], 1), false);
        var index = LevelDbTableWriter.WriteBlock(file, LevelDbTableWriter.BuildBlock([("b"u8.ToArray(), first), ("c"u8.ToArray(), next)], 1), false);

        var error = Assert.Throws<CheckpointException>(() => LevelDbTable.FromBytes(WithFooter(file, meta, index), FileName).ReadEntries().ToList());

        Assert.Contains("out of order", error.Message);
    }

    [Fact]
    public void UnknownCompressionTypeIsRejected()
    {
        var bytes = new LevelDbTableWriter().Add("a"u8.ToArray(), "b"u8.ToArray()).Build();
        var blockSize = LevelDbTableWriter.BuildBlock([("a"u8.ToArray(), "b"u8.ToArray())], 16).Length;
        bytes[blockSize] = 7;
        var crc = Crc32C.Mask(Crc32C.Compute(bytes.AsSpan(0, blockSize + 1)));
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(blockSize + 1), crc);

        var error = Assert.Throws<CheckpointException>(() => LevelDbTable.FromBytes(bytes, FileName).ReadEntries().ToList());

        Assert.Contains("unknown compression type 7", error.Message);
    }

    [Fact]
    public void InvalidSnappyDataWithAValidChecksumIsRejected()
    {
        var garbage = new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x01, 0x02 };

        var error = Assert.Throws<CheckpointException>(() => TableWithRawDataBlock(garbage, type: 1).ReadEntries().ToList());

        Assert.Equal(StatusCode.DataLoss, error.Code);
        Assert.Contains(FileName, error.Message);
    }

    private static LevelDbTable TableWithOneDataBlock(byte[] contents, bool snappy)
    {
        var file = new List<byte>();
        var data = LevelDbTableWriter.WriteBlock(file, contents, snappy);
        var meta = LevelDbTableWriter.WriteBlock(file, LevelDbTableWriter.BuildBlock([], 1), false);
        var index = LevelDbTableWriter.WriteBlock(file, LevelDbTableWriter.BuildBlock([("z"u8.ToArray(), data)], 1), false);
        return LevelDbTable.FromBytes(WithFooter(file, meta, index), FileName);
    }

    private static LevelDbTable TableWithRawDataBlock(byte[] stored, byte type)
    {
        var file = new List<byte>(stored) { type };
        file.AddRange(BitConverter.GetBytes(Crc32C.Mask(Crc32C.Compute([.. stored, type]))));
        var meta = LevelDbTableWriter.WriteBlock(file, LevelDbTableWriter.BuildBlock([], 1), false);
        var index = LevelDbTableWriter.WriteBlock(file, LevelDbTableWriter.BuildBlock([("z"u8.ToArray(), Handle(0, stored.Length))], 1), false);
        return LevelDbTable.FromBytes(WithFooter(file, meta, index), FileName);
    }

    private static byte[] Handle(long offset, long size)
    {
        var handle = new List<byte>();
        LevelDbTableWriter.PutVarint(handle, (ulong)offset);
        LevelDbTableWriter.PutVarint(handle, (ulong)size);
        return [.. handle];
    }

    private static byte[] WithFooter(List<byte> file, byte[] metaIndex, byte[] index)
    {
        var footer = new byte[48];
        metaIndex.Concat(index).ToArray().CopyTo(footer, 0);
        BinaryPrimitives.WriteUInt64LittleEndian(footer.AsSpan(40), 0xdb4775248b80fb57);
        return [.. file, .. footer];
    }
}
