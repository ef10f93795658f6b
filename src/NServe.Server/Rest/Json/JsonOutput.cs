using System.Buffers;
using System.Buffers.Text;
using System.Runtime.CompilerServices;

namespace NServe.Server.Rest.Json;

/// <summary>
/// Writes JSON text straight into an <see cref="IBufferWriter{T}"/>: it holds one span obtained from the
/// writer and advances the writer only when that span is used up (or on <see cref="Flush"/>), so each
/// element costs a bounds check and a formatter call, not an interface call.
/// </summary>
internal ref struct JsonOutput(IBufferWriter<byte> writer)
{
    private const int ChunkSize = 8192;

    private static readonly SearchValues<byte> NeedsEscape = SearchValues.Create(
        [(byte)'"', (byte)'\\', 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31]);

    private readonly IBufferWriter<byte> _writer = writer;
    private Span<byte> _span;
    private int _used;
    private long _flushed;

    /// <summary>Bytes written so far, flushed or not.</summary>
    public readonly long Written => _flushed + _used;

    /// <summary>A span of at least <paramref name="size"/> bytes to write into; follow with <see cref="Advance"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Span<byte> Reserve(int size)
    {
        if (_span.Length - _used < size)
        {
            Renew(size);
        }

        return _span[_used..];
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Advance(int count) => _used += count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteByte(byte value)
    {
        if (_used == _span.Length)
        {
            Renew(1);
        }

        _span[_used++] = value;
    }

    public void WriteRaw(ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            var room = Reserve(Math.Min(bytes.Length, ChunkSize));
            var count = Math.Min(room.Length, bytes.Length);
            bytes[..count].CopyTo(room);
            Advance(count);
            bytes = bytes[count..];
        }
    }

    /// <summary>Writes <paramref name="value"/> as a quoted JSON string, escaped as rapidjson's writer does.</summary>
    public void WriteString(ReadOnlySpan<byte> value)
    {
        WriteByte((byte)'"');
        WriteStringContent(value);
        WriteByte((byte)'"');
    }

    /// <summary>Writes <paramref name="value"/> escaped, without the quotes.</summary>
    public void WriteStringContent(ReadOnlySpan<byte> value)
    {
        while (true)
        {
            var run = value.IndexOfAny(NeedsEscape);
            if (run < 0)
            {
                WriteRaw(value);
                break;
            }

            WriteRaw(value[..run]);
            WriteEscape(value[run]);
            value = value[(run + 1)..];
        }
    }

    /// <summary>Writes <c>{"b64":"..."}</c> holding <paramref name="value"/> base64-encoded (padded).</summary>
    public void WriteBase64Object(ReadOnlySpan<byte> value)
    {
        WriteRaw("{\"b64\":\""u8);

        // Whole 3-byte groups per chunk so that padding can only appear at the very end.
        const int groupBytes = ChunkSize / 4 * 3;
        while (!value.IsEmpty)
        {
            var take = Math.Min(value.Length, groupBytes);
            var room = Reserve(Base64.GetMaxEncodedToUtf8Length(take));
            Base64.EncodeToUtf8(value[..take], room, out _, out var written);
            Advance(written);
            value = value[take..];
        }

        WriteRaw("\"}"u8);
    }

    /// <summary>Hands everything written to the underlying writer. Call once at the end.</summary>
    public void Flush()
    {
        if (_used > 0)
        {
            _writer.Advance(_used);
            _flushed += _used;
        }

        _used = 0;
        _span = default;
    }

    private void WriteEscape(byte b)
    {
        var room = Reserve(6);
        room[0] = (byte)'\\';
        switch (b)
        {
            case (byte)'"':
            case (byte)'\\':
                room[1] = b;
                Advance(2);
                return;
            case (byte)'\b':
                room[1] = (byte)'b';
                Advance(2);
                return;
            case (byte)'\f':
                room[1] = (byte)'f';
                Advance(2);
                return;
            case (byte)'\n':
                room[1] = (byte)'n';
                Advance(2);
                return;
            case (byte)'\r':
                room[1] = (byte)'r';
                Advance(2);
                return;
            case (byte)'\t':
                room[1] = (byte)'t';
                Advance(2);
                return;
            default:
                room[1] = (byte)'u';
                room[2] = (byte)'0';
                room[3] = (byte)'0';
                room[4] = "0123456789ABCDEF"u8[b >> 4];
                room[5] = "0123456789ABCDEF"u8[b & 0xF];
                Advance(6);
                return;
        }
    }

    private void Renew(int size)
    {
        Flush();
        _span = _writer.GetSpan(Math.Max(size, ChunkSize));
    }
}
