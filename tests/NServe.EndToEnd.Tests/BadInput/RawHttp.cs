using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace NServe.EndToEnd.Tests.BadInput;

/// <summary>
/// HTTP/1.1 over a bare socket, so a test can send what HttpClient refuses or rewrites: dot segments,
/// raw bytes in the target, lying Content-Length, bodies that stop early. Every request says
/// <c>Connection: close</c>; the answer is read until the server closes, within a deadline (a hang fails).
/// </summary>
public static class RawHttp
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    public static async Task<BadInputAnswer> SendAsync(
        int port, string method, string target, byte[] body, IReadOnlyList<string>? headers = null, long? contentLength = -1, bool chunked = false, bool stopEarly = false)
    {
        using var client = new TcpClient();
        using var timeout = new CancellationTokenSource(Deadline);
        await client.ConnectAsync("127.0.0.1", port, timeout.Token);
        var stream = client.GetStream();
        var head = new StringBuilder();
        head.Append(method).Append(' ').Append(target).Append(" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
        foreach (var header in headers ?? [])
        {
            head.Append(header).Append("\r\n");
        }

        if (chunked)
        {
            head.Append("Transfer-Encoding: chunked\r\n");
        }
        else if (contentLength is not null)
        {
            head.Append("Content-Length: ").Append(contentLength < 0 ? body.Length : contentLength.Value).Append("\r\n");
        }

        head.Append("\r\n");

        // Sent beside the read: a server that answers before reading the whole body may close on us.
        var sending = Task.Run(async () =>
        {
            try
            {
                await stream.WriteAsync(Encoding.Latin1.GetBytes(head.ToString()), timeout.Token);
                if (chunked)
                {
                    const int chunk = 1 << 20;
                    for (var offset = 0; offset < body.Length; offset += chunk)
                    {
                        var length = Math.Min(chunk, body.Length - offset);
                        await stream.WriteAsync(Encoding.ASCII.GetBytes($"{length:x}\r\n"), timeout.Token);
                        await stream.WriteAsync(body.AsMemory(offset, length), timeout.Token);
                        await stream.WriteAsync("\r\n"u8.ToArray(), timeout.Token);
                    }

                    if (!stopEarly)
                    {
                        await stream.WriteAsync("0\r\n\r\n"u8.ToArray(), timeout.Token);
                    }
                }
                else
                {
                    await stream.WriteAsync(body, timeout.Token);
                }

                // With stopEarly the connection simply stays open with the body unfinished.
            }
            catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
            {
                // The server answered and closed first; its answer is what counts.
            }
        });

        var received = new MemoryStream();
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                var read = await stream.ReadAsync(buffer, timeout.Token);
                if (read == 0)
                {
                    break;
                }

                received.Write(buffer, 0, read);
            }
        }
        catch (OperationCanceledException)
        {
            return new BadInputAnswer("hang", $"no complete answer within {Deadline.TotalSeconds} s");
        }
        catch (IOException) when (received.Length > 0)
        {
            // Reset after the answer was written.
        }
        catch (IOException ex)
        {
            return new BadInputAnswer("reset", ex.Message);
        }

        await sending;
        return Parse(received.ToArray());
    }

    /// <summary>Status and message: the <c>error</c> of a JSON error body, else the body text.</summary>
    private static BadInputAnswer Parse(byte[] response)
    {
        var text = Encoding.Latin1.GetString(response);
        var headerEnd = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (!text.StartsWith("HTTP/1.1 ", StringComparison.Ordinal) || headerEnd < 0)
        {
            return new BadInputAnswer("garbled", text.Length > 200 ? text[..200] : text);
        }

        var status = text.Substring(9, 3);
        var headers = text[..headerEnd];
        var body = response.AsSpan(headerEnd + 4).ToArray();
        if (headers.Contains("Transfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase))
        {
            body = Dechunk(body);
        }

        return new BadInputAnswer(status, ErrorText(body));
    }

    private static string ErrorText(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("error", out var error))
            {
                return error.GetString() ?? "";
            }
        }
        catch (JsonException)
        {
        }

        return Encoding.UTF8.GetString(body);
    }

    private static byte[] Dechunk(byte[] body)
    {
        var output = new MemoryStream();
        var position = 0;
        while (position < body.Length)
        {
            var lineEnd = Array.IndexOf(body, (byte)'\n', position);
            if (lineEnd < 0)
            {
                break;
            }

            var size = Convert.ToInt32(Encoding.ASCII.GetString(body, position, lineEnd - position).Trim().Split(';')[0], 16);
            position = lineEnd + 1;
            if (size == 0)
            {
                break;
            }

            output.Write(body, position, Math.Min(size, body.Length - position));
            position += size + 2;
        }

        return output.ToArray();
    }
}
