using System.Buffers.Binary;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;

namespace NServe.EndToEnd.Tests.BadInput;

/// <summary>
/// gRPC calls built by hand over HTTP/2 (h2c), for frames no generated client sends: a length prefix that
/// promises more bytes than follow, bytes that are not the message, a compressed flag with no encoding.
/// </summary>
public static class RawGrpc
{
    private static readonly HttpClient Client = new(new SocketsHttpHandler()) { Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>A frame: compressed flag, 4-byte big-endian length (as declared), then <paramref name="payload"/>.</summary>
    public static byte[] Frame(byte[] payload, uint? declaredLength = null, bool compressed = false)
    {
        var frame = new byte[5 + payload.Length];
        frame[0] = compressed ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), declaredLength ?? (uint)payload.Length);
        payload.CopyTo(frame.AsSpan(5));
        return frame;
    }

    public static async Task<BadInputAnswer> CallAsync(int port, string method, byte[] body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"http://127.0.0.1:{port}/{method}")
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(body),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        request.Headers.TryAddWithoutValidation("TE", "trailers");
        try
        {
            using var response = await Client.SendAsync(request);
            await response.Content.ReadAsByteArrayAsync();
            var status = Header(response, "grpc-status");
            var message = Uri.UnescapeDataString(Header(response, "grpc-message") ?? "");
            return status is null
                ? new BadInputAnswer($"http {(int)response.StatusCode}", message)
                : new BadInputAnswer(((Grpc.Core.StatusCode)int.Parse(status, System.Globalization.CultureInfo.InvariantCulture)).ToString(), message);
        }
        catch (TaskCanceledException)
        {
            return new BadInputAnswer("hang", "no answer within 30 s");
        }
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.TrailingHeaders.TryGetValues(name, out var trailer) ? trailer.First()
        : response.Headers.TryGetValues(name, out var header) ? header.First()
        : null;
}
