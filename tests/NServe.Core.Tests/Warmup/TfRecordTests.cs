using System.Buffers.Binary;
using NServe.Core.Errors;
using NServe.Core.Hashing;
using NServe.Core.Warmup;

namespace NServe.Core.Tests.Warmup;

public sealed class TfRecordTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("nserve-tfrecord-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static byte[][] SampleRecords()
    {
        var large = new byte[100_000];
        new Random(7).NextBytes(large);
        return [[], "abc"u8.ToArray(), large, [0]];
    }

    private string WriteFile(params byte[][] records)
    {
        var path = Path.Combine(_folder, "sub", "records");
        using var writer = TfRecordWriter.Create(path);
        foreach (var record in records)
        {
            writer.Write(record);
        }

        return path;
    }

    private static List<byte[]> ReadAll(string path)
    {
        using var reader = TfRecordReader.Open(path);
        var records = new List<byte[]>();
        while (reader.TryReadNext(out var record))
        {
            records.Add(record);
        }

        Assert.Equal(records.Count, reader.RecordsRead);
        return records;
    }

    [Fact]
    public void RecordsReadBackAsWritten()
    {
        var records = SampleRecords();
        var path = WriteFile(records);

        var read = ReadAll(path);
        Assert.Equal(records.Length, read.Count);
        for (var i = 0; i < records.Length; i++)
        {
            Assert.Equal(records[i], read[i]);
        }
    }

    [Fact]
    public async Task AsyncWritesMatchSyncWrites()
    {
        var records = SampleRecords();
        using var sync = new MemoryStream();
        using (var writer = new TfRecordWriter(sync, leaveOpen: true))
        {
            foreach (var record in records)
            {
                writer.Write(record);
            }
        }

        using var asynchronous = new MemoryStream();
        await using (var writer = new TfRecordWriter(asynchronous, leaveOpen: true))
        {
            foreach (var record in records)
            {
                await writer.WriteAsync(record, CancellationToken.None);
            }

            Assert.Equal(records.Length, writer.RecordsWritten);
        }

        Assert.Equal(sync.ToArray(), asynchronous.ToArray());
    }

    [Fact]
    public void FramingIsLengthLengthCrcDataDataCrc()
    {
        var data = "hello warmup"u8.ToArray();
        var bytes = File.ReadAllBytes(WriteFile(data));

        Assert.Equal(8 + 4 + data.Length + 4, bytes.Length);
        Assert.Equal((ulong)data.Length, BinaryPrimitives.ReadUInt64LittleEndian(bytes));
        Assert.Equal(Crc32C.Mask(Crc32C.Compute(bytes.AsSpan(0, 8))), BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8)));
        Assert.Equal(data, bytes[12..^4]);
        Assert.Equal(Crc32C.Mask(Crc32C.Compute(data)), BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(bytes.Length - 4)));
    }

    [Fact]
    public void CorruptLengthIsDataLossNamingFileRecordAndOffset()
    {
        var path = WriteFile("first"u8.ToArray(), "second"u8.ToArray());
        var bytes = File.ReadAllBytes(path);
        var secondStart = 8 + 4 + 5 + 4;
        bytes[secondStart] ^= 0x01; // length 6 → 7, its checksum no longer matches
        File.WriteAllBytes(path, bytes);

        var error = Assert.Throws<ServingException>(() => ReadAll(path));
        Assert.Equal(StatusCode.DataLoss, error.Code);
        Assert.Contains($"corrupted record at {secondStart} (record 2) in {path}", error.Message);
        Assert.Contains("checksum of its length", error.Message);
    }

    [Fact]
    public void CorruptDataIsDataLoss()
    {
        var path = WriteFile("first"u8.ToArray(), "second"u8.ToArray());
        var bytes = File.ReadAllBytes(path);
        bytes[12 + 2] ^= 0x40;
        File.WriteAllBytes(path, bytes);

        var error = Assert.Throws<ServingException>(() => ReadAll(path));
        Assert.Equal(StatusCode.DataLoss, error.Code);
        Assert.Contains($"corrupted record at 0 (record 1) in {path}", error.Message);
        Assert.Contains("checksum of its data", error.Message);
    }

    [Theory]
    [InlineData(3)] // inside the length
    [InlineData(10)] // inside the length's checksum
    [InlineData(15)] // inside the data
    [InlineData(19)] // inside the data's checksum
    public void TruncatedRecordIsDataLoss(int cutAfterSecondRecordStart)
    {
        var path = WriteFile("first"u8.ToArray(), "second"u8.ToArray());
        var secondStart = 8 + 4 + 5 + 4;
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(secondStart + cutAfterSecondRecordStart)]);

        var error = Assert.Throws<ServingException>(() => ReadAll(path));
        Assert.Equal(StatusCode.DataLoss, error.Code);
        Assert.Contains($"truncated record at {secondStart} (record 2) in {path}", error.Message);
    }

    [Fact]
    public void TruncatedDataIsDetectedOnAStreamThatCannotSeek()
    {
        using var buffer = new MemoryStream();
        using (var writer = new TfRecordWriter(buffer, leaveOpen: true))
        {
            writer.Write(new byte[64]);
        }

        var bytes = buffer.ToArray()[..40];
        using var reader = new TfRecordReader(new ForwardOnlyStream(bytes), "pipe");
        var error = Assert.Throws<ServingException>(() => reader.TryReadNext(out _));
        Assert.Equal(StatusCode.DataLoss, error.Code);
        Assert.Contains("truncated record at 0 (record 1) in pipe", error.Message);
    }

    [Fact]
    public void EmptyFileHasNoRecords()
    {
        var path = WriteFile();
        Assert.Empty(ReadAll(path));
    }

    /// <summary>A stream like a pipe: no length, no seeking, short reads.</summary>
    private sealed class ForwardOnlyStream(byte[] bytes) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = Math.Min(Math.Min(count, 7), bytes.Length - _position);
            Array.Copy(bytes, _position, buffer, offset, n);
            _position += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
