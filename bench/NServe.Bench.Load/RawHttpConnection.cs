using System.Net.Sockets;
using System.Text;

namespace NServe.Bench.Load;

/// <summary>
/// One keep-alive HTTP/1.1 connection: sends a request and reads one response, framed by Content-Length or
/// chunked transfer coding. The body is kept only when the status is not 200 (for the error report).
/// </summary>
internal sealed class RawHttpConnection : IDisposable
{
    private readonly Socket _socket;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;

    private RawHttpConnection(Socket socket) => _socket = socket;

    public static async Task<RawHttpConnection> OpenAsync(string host, int port, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(host, port, cancellationToken).ConfigureAwait(false);
            return new RawHttpConnection(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public async Task<(int Status, string? ErrorBody)> ExchangeAsync(byte[] request, CancellationToken cancellationToken)
    {
        await _socket.SendAsync(request, SocketFlags.None, cancellationToken).ConfigureAwait(false);

        // Status line and headers, up to the blank line.
        int headerEnd;
        while ((headerEnd = _buffer.AsSpan(_start, _end - _start).IndexOf("\r\n\r\n"u8)) < 0)
        {
            await FillAsync(cancellationToken).ConfigureAwait(false);
        }

        var head = Encoding.ASCII.GetString(_buffer, _start, headerEnd);
        _start += headerEnd + 4;
        var status = int.Parse(head.AsSpan(9, 3), System.Globalization.CultureInfo.InvariantCulture);
        var keep = status == 200 ? null : new MemoryStream();
        long? length = null;
        var chunked = false;
        foreach (var line in head.Split("\r\n"))
        {
            if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
            {
                length = long.Parse(line.AsSpan(15).Trim(), System.Globalization.CultureInfo.InvariantCulture);
            }
            else if (line.StartsWith("Transfer-Encoding:", StringComparison.OrdinalIgnoreCase) && line.Contains("chunked", StringComparison.OrdinalIgnoreCase))
            {
                chunked = true;
            }
        }

        if (chunked)
        {
            while (true)
            {
                var size = Convert.ToInt64((await ReadLineAsync(cancellationToken).ConfigureAwait(false)).Split(';')[0].Trim(), 16);
                if (size == 0)
                {
                    // Trailers, if any, end with a blank line.
                    while ((await ReadLineAsync(cancellationToken).ConfigureAwait(false)).Length > 0)
                    {
                    }

                    break;
                }

                await SkipAsync(size, keep, cancellationToken).ConfigureAwait(false);
                await ReadLineAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        else
        {
            await SkipAsync(length ?? 0, keep, cancellationToken).ConfigureAwait(false);
        }

        return (status, keep is null ? null : Encoding.UTF8.GetString(keep.ToArray()));
    }

    public void Dispose() => _socket.Dispose();

    private async Task<string> ReadLineAsync(CancellationToken cancellationToken)
    {
        int end;
        while ((end = _buffer.AsSpan(_start, _end - _start).IndexOf("\r\n"u8)) < 0)
        {
            await FillAsync(cancellationToken).ConfigureAwait(false);
        }

        var line = Encoding.ASCII.GetString(_buffer, _start, end);
        _start += end + 2;
        return line;
    }

    private async Task SkipAsync(long count, MemoryStream? keep, CancellationToken cancellationToken)
    {
        while (count > 0)
        {
            if (_start == _end)
            {
                await FillAsync(cancellationToken).ConfigureAwait(false);
            }

            var take = (int)Math.Min(count, _end - _start);
            keep?.Write(_buffer, _start, take);
            _start += take;
            count -= take;
        }
    }

    /// <summary>Reads more bytes after what is buffered, moving the unread rest to the front first.</summary>
    private async Task FillAsync(CancellationToken cancellationToken)
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            throw new InvalidDataException("response headers larger than the 64 KiB buffer");
        }

        var read = await _socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, cancellationToken).ConfigureAwait(false);
        if (read == 0)
        {
            throw new IOException("the server closed the connection");
        }

        _end += read;
    }
}
