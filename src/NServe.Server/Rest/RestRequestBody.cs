using System.Buffers;
using System.IO.Compression;
using Microsoft.AspNetCore.Http;

namespace NServe.Server.Rest;

/// <summary>
/// A request body read whole into a pooled buffer, gunzipped when <c>Content-Encoding</c> says gzip
/// (TF Serving caps the uncompressed size at 100 MiB and treats a body it cannot inflate as empty).
/// </summary>
public sealed class RestRequestBody : IDisposable
{
    /// <summary>TF Serving's ZLib::kMaxUncompressedBytes.</summary>
    public const int MaxUncompressedBytes = 100 * 1024 * 1024;

    private byte[] _buffer;

    private RestRequestBody(byte[] buffer, int length)
    {
        _buffer = buffer;
        Length = length;
    }

    public int Length { get; }

    public ReadOnlySpan<byte> Span => _buffer.AsSpan(0, Length);

    public static async Task<RestRequestBody> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var gzip = request.Headers.ContentEncoding.ToString().Contains("gzip", StringComparison.Ordinal);
        var hint = request.ContentLength is > 0 and < MaxUncompressedBytes ? (int)request.ContentLength.Value : 4096;
        if (!gzip)
        {
            return await ReadAllAsync(request.Body, hint, int.MaxValue, cancellationToken).ConfigureAwait(false);
        }

        var compressed = await ReadAllAsync(request.Body, hint, int.MaxValue, cancellationToken).ConfigureAwait(false);
        try
        {
            using var input = new MemoryStream(compressed._buffer, 0, compressed.Length, writable: false);
            using var inflater = new GZipStream(input, CompressionMode.Decompress);
            return await ReadAllAsync(inflater, Math.Max(4096, compressed.Length * 4), MaxUncompressedBytes, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException)
        {
            return Empty();
        }
        catch (BodyTooLargeException)
        {
            return Empty();
        }
        finally
        {
            compressed.Dispose();
        }
    }

    public void Dispose()
    {
        var buffer = Interlocked.Exchange(ref _buffer, []);
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static RestRequestBody Empty() => new([], 0);

    private static async Task<RestRequestBody> ReadAllAsync(Stream stream, int sizeHint, int limit, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Min(Math.Max(sizeHint, 256), limit == int.MaxValue ? Array.MaxLength : limit + 1));
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (length >= limit)
                    {
                        throw new BodyTooLargeException();
                    }

                    var bigger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, Array.MaxLength));
                    buffer.AsSpan(0, length).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }

                var read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                length += read;
                if (length > limit)
                {
                    throw new BodyTooLargeException();
                }
            }

            return new RestRequestBody(buffer, length);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    private sealed class BodyTooLargeException : Exception;
}
