using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using NServe.Core.Errors;

namespace NServe.Core.Warmup;

/// <summary>
/// Reads records in TensorFlow's TFRecord framing (uncompressed), checking both checksums of each record.
/// A clean end of the stream between records ends the file; anything else short or corrupt is DataLoss
/// naming the source, the record (1-based) and its byte offset, like TF's "corrupted record at N".
/// </summary>
public sealed class TfRecordReader(Stream stream, string sourceName, bool leaveOpen = false) : IDisposable
{
    private readonly byte[] _header = new byte[TfRecordFormat.HeaderSize];
    private readonly byte[] _footer = new byte[TfRecordFormat.FooterSize];
    private long _offset;

    /// <summary>The file or stream name errors mention.</summary>
    public string SourceName { get; } = sourceName;

    /// <summary>Records read so far.</summary>
    public long RecordsRead { get; private set; }

    public static TfRecordReader Open(string path) =>
        new(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 64 * 1024), path);

    /// <summary>Reads the next record; false at the end of the stream.</summary>
    /// <exception cref="ServingException">DataLoss: a truncated record or a checksum mismatch.</exception>
    public bool TryReadNext([NotNullWhen(true)] out byte[]? record)
    {
        var start = _offset;
        var read = stream.ReadAtLeast(_header, _header.Length, throwOnEndOfStream: false);
        _offset += read;
        if (read == 0)
        {
            record = null;
            return false;
        }

        if (read < _header.Length)
        {
            throw Truncated(start, $"its header has {read} of {_header.Length} bytes");
        }

        var storedLengthCrc = BinaryPrimitives.ReadUInt32LittleEndian(_header.AsSpan(TfRecordFormat.LengthSize));
        if (storedLengthCrc != TfRecordFormat.MaskedCrc(_header.AsSpan(0, TfRecordFormat.LengthSize)))
        {
            throw Corrupted(start, "the checksum of its length does not match");
        }

        var length = BinaryPrimitives.ReadUInt64LittleEndian(_header);

        // Checked before allocating: a length that passed its checksum can still exceed what is left.
        var remaining = stream.CanSeek ? stream.Length - stream.Position : long.MaxValue;
        if (length > (ulong)Array.MaxLength || (long)length + TfRecordFormat.FooterSize > remaining)
        {
            throw Truncated(start, $"it declares {length} bytes of data but the file ends first");
        }

        var data = new byte[(int)length];
        read = stream.ReadAtLeast(data, data.Length, throwOnEndOfStream: false);
        _offset += read;
        if (read < data.Length)
        {
            throw Truncated(start, $"it declares {length} bytes of data but the file ends after {read}");
        }

        read = stream.ReadAtLeast(_footer, _footer.Length, throwOnEndOfStream: false);
        _offset += read;
        if (read < _footer.Length)
        {
            throw Truncated(start, "the checksum of its data is missing");
        }

        if (BinaryPrimitives.ReadUInt32LittleEndian(_footer) != TfRecordFormat.MaskedCrc(data))
        {
            throw Corrupted(start, "the checksum of its data does not match");
        }

        RecordsRead++;
        record = data;
        return true;
    }

    public void Dispose()
    {
        if (!leaveOpen)
        {
            stream.Dispose();
        }
    }

    private ServingException Truncated(long offset, string detail) =>
        new(StatusCode.DataLoss, $"truncated record at {offset} (record {RecordsRead + 1}) in {SourceName}: {detail}");

    private ServingException Corrupted(long offset, string detail) =>
        new(StatusCode.DataLoss, $"corrupted record at {offset} (record {RecordsRead + 1}) in {SourceName}: {detail}");
}
