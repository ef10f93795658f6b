using System.Buffers;
using System.IO.Compression;
using Microsoft.AspNetCore.Http;
using NServe.Core.Errors;
using NServe.Server.Limits;

namespace NServe.Server.Rest;

/// <summary>
/// A request body read whole into a pooled buffer, gunzipped when <c>Content-Encoding</c> says gzip
/// (TF Serving caps the uncompressed size at 100 MiB, <c>--rest_api_max_decompressed_bytes</c> here, and
/// treats a body it cannot inflate, or that inflates beyond the cap, as empty).
/// </summary>
public sealed class RestRequestBody : IDisposable
{
    /// <summary>The largest first buffer; bigger bodies grow it as their bytes arrive.</summary>
    public const int MaxInitialBufferBytes = 1024 * 1024;

    /// <summary>The largest buffer taken from (and given back to) the shared pool.</summary>
    public const int MaxPooledBytes = 1024 * 1024;

    private byte[] _buffer;

    private RestRequestBody(byte[] buffer, int length)
    {
        _buffer = buffer;
        Length = length;
    }

    public int Length { get; }

    public ReadOnlySpan<byte> Span => _buffer.AsSpan(0, Length);

    /// <summary>
    /// Reads the body. A body over <see cref="RequestLimits.MaxRestBodyBytes"/> throws
    /// <see cref="RequestBodyTooLargeException"/>; a declared Content-Length only sizes the first buffer up to
    /// <see cref="MaxInitialBufferBytes"/>, so a huge claim backed by a few bytes reserves little.
    /// </summary>
    public static async ValueTask<RestRequestBody> ReadAsync(HttpRequest request, RequestLimits limits, CancellationToken cancellationToken)
    {
        var bodyLimit = (int)Math.Min(limits.MaxRestBodyBytes, Array.MaxLength);
        if (request.ContentLength > limits.MaxRestBodyBytes)
        {
            throw new RequestBodyTooLargeException(limits.MaxRestBodyBytes);
        }

        var gzip = request.Headers.ContentEncoding.ToString().Contains("gzip", StringComparison.Ordinal);
        var hint = request.ContentLength is > 0 ? (int)Math.Min(request.ContentLength.Value, MaxInitialBufferBytes) : 4096;
        RestRequestBody compressed;
        try
        {
            compressed = await ReadAllAsync(request.Body, hint, bodyLimit, cancellationToken).ConfigureAwait(false);
        }
        catch (BodyTooLargeException)
        {
            throw new RequestBodyTooLargeException(limits.MaxRestBodyBytes);
        }

        if (!gzip)
        {
            return compressed;
        }

        try
        {
            using var input = new MemoryStream(compressed._buffer, 0, compressed.Length, writable: false);
            using var inflater = new GZipStream(input, CompressionMode.Decompress);
            var inflatedHint = (int)Math.Min(Math.Max(4096L, compressed.Length * 4L), MaxInitialBufferBytes);
            return await ReadAllAsync(inflater, inflatedHint, limits.MaxDecompressedBytes, cancellationToken).ConfigureAwait(false);
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
            Return(buffer);
        }
    }

    private static RestRequestBody Empty() => new([], 0);

    private static async ValueTask<RestRequestBody> ReadAllAsync(Stream stream, int sizeHint, int limit, CancellationToken cancellationToken)
    {
        var buffer = Rent(Math.Min(Math.Max(sizeHint, 256), limit == int.MaxValue ? Array.MaxLength : limit + 1));
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

                    var bigger = Rent((int)Math.Min((long)buffer.Length * 2, Math.Min((long)limit + 1, Array.MaxLength)));
                    buffer.AsSpan(0, length).CopyTo(bigger);
                    Return(buffer);
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
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // --rest_api_timeout_in_ms ran out (or the client left) while the body was still arriving.
            Return(buffer);
            throw new ServingException(StatusCode.DeadlineExceeded, "Deadline exceeded while reading the request body");
        }
        catch
        {
            Return(buffer);
            throw;
        }
    }

    // Bodies up to MaxPooledBytes come from the shared pool (the common case, no garbage). Larger ones are
    // plain arrays the GC takes back: the shared pool would keep a rare 100 MiB gunzip buffer per thread
    // and per core, so memory would ratchet up with every large request.
    private static byte[] Rent(int length) =>
        length <= MaxPooledBytes ? ArrayPool<byte>.Shared.Rent(length) : GC.AllocateUninitializedArray<byte>(length);

    private static void Return(byte[] buffer)
    {
        if (buffer.Length <= MaxPooledBytes)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private sealed class BodyTooLargeException : Exception;
}
