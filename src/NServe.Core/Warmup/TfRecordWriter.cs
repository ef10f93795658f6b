using System.Buffers.Binary;

namespace NServe.Core.Warmup;

/// <summary>
/// Writes records in TensorFlow's TFRecord framing (uncompressed), as <c>tf.io.TFRecordWriter</c> does, to a
/// stream: warmup files and request logs.
/// </summary>
public sealed class TfRecordWriter(Stream stream, bool leaveOpen = false) : IDisposable, IAsyncDisposable
{
    private readonly byte[] _header = new byte[TfRecordFormat.HeaderSize];
    private readonly byte[] _footer = new byte[TfRecordFormat.FooterSize];

    /// <summary>Records written so far.</summary>
    public long RecordsWritten { get; private set; }

    /// <summary>Creates (or replaces) <paramref name="path"/>, creating its folder if needed.</summary>
    public static TfRecordWriter Create(string path)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null)
        {
            Directory.CreateDirectory(folder);
        }

        return new TfRecordWriter(new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read));
    }

    public void Write(ReadOnlySpan<byte> record)
    {
        TfRecordFormat.WriteHeader(_header, record.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(_footer, TfRecordFormat.MaskedCrc(record));
        stream.Write(_header);
        stream.Write(record);
        stream.Write(_footer);
        RecordsWritten++;
    }

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> record, CancellationToken cancellationToken)
    {
        TfRecordFormat.WriteHeader(_header, record.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(_footer, TfRecordFormat.MaskedCrc(record.Span));
        await stream.WriteAsync(_header, cancellationToken).ConfigureAwait(false);
        await stream.WriteAsync(record, cancellationToken).ConfigureAwait(false);
        await stream.WriteAsync(_footer, cancellationToken).ConfigureAwait(false);
        RecordsWritten++;
    }

    public void Flush() => stream.Flush();

    public void Dispose()
    {
        stream.Flush();
        if (!leaveOpen)
        {
            stream.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stream.FlushAsync().ConfigureAwait(false);
        if (!leaveOpen)
        {
            await stream.DisposeAsync().ConfigureAwait(false);
        }
    }
}
