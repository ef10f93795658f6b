using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using NServe.Core.Errors;
using NServe.Server.Metrics;
using NServe.Server.Rest;

namespace NServe.Server.KServe;

/// <summary>
/// The KServe v2 / Open Inference Protocol REST API (<c>/v2...</c>) on the REST port: health, server and
/// model metadata, and inference with JSON tensors and the binary tensor data extension. Errors are
/// <c>{"error": "..."}</c> with the status of their canonical code (400 bad request, 404 unknown model or
/// path, 405 wrong method, 503 not ready, 504 timeout).
/// </summary>
public sealed class KServeRestHandler(KServeModels models, KServeReadiness readiness, RestApiOptions options, ServingMetrics? metrics = null)
{
    /// <summary>True for <c>/v2</c> and paths under <c>/v2/</c>; the host sends those here instead of to v1.</summary>
    public bool CanHandle(string path) => KServeRoute.IsKServePath(path);

    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var response = context.Response;
        if (options.EnableCors)
        {
            response.Headers.AccessControlAllowOrigin = "*";
            response.Headers.AccessControlAllowMethods = "POST, GET";
            response.Headers.AccessControlAllowHeaders = "Content-Type, " + KServeParameters.HeaderContentLength;
        }

        if (HttpMethods.IsOptions(request.Method))
        {
            response.StatusCode = StatusCodes.Status200OK;
            return;
        }

        try
        {
            // The raw target keeps %2F inside a model name from splitting the path.
            var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
            if (string.IsNullOrEmpty(target))
            {
                target = (request.PathBase + request.Path).ToString();
            }

            var query = target.IndexOf('?', StringComparison.Ordinal);
            var route = KServeRoute.Parse(query < 0 ? target : target[..query]);
            if (!string.Equals(request.Method, route.Method, StringComparison.Ordinal))
            {
                response.Headers.Allow = route.Method;
                await JsonErrorWriter.WriteAsync(
                    response, StatusCodes.Status405MethodNotAllowed, $"{request.Method} is not allowed here; use {route.Method}").ConfigureAwait(false);
                return;
            }

            switch (route.Operation)
            {
                case KServeOperation.ServerMetadata:
                    await WriteJsonAsync(response, StatusCodes.Status200OK, KServeJsonDocuments.WriteServerMetadata).ConfigureAwait(false);
                    break;
                case KServeOperation.ServerLive:
                    await WriteJsonAsync(response, StatusCodes.Status200OK, w => KServeJsonDocuments.WriteHealth(w, "live"u8, true)).ConfigureAwait(false);
                    break;
                case KServeOperation.ServerReady:
                    var serverReady = readiness.IsServerReady();
                    await WriteJsonAsync(response, ReadyStatus(serverReady), w => KServeJsonDocuments.WriteHealth(w, "ready"u8, serverReady)).ConfigureAwait(false);
                    break;
                case KServeOperation.ModelReady:
                    var modelReady = readiness.IsModelReady(route.Model!, route.Version);
                    await WriteJsonAsync(response, ReadyStatus(modelReady), w => KServeJsonDocuments.WriteHealth(w, "ready"u8, modelReady, route.Model)).ConfigureAwait(false);
                    break;
                case KServeOperation.ModelMetadata:
                    var metadata = models.GetMetadata(route.Model!, route.Version);
                    await WriteJsonAsync(response, StatusCodes.Status200OK, w => KServeJsonDocuments.WriteModelMetadata(w, metadata)).ConfigureAwait(false);
                    break;
                case KServeOperation.ModelInfer:
                    await MeasuredInferAsync(context, route).ConfigureAwait(false);
                    break;
            }
        }
        catch (ServingException ex) when (!response.HasStarted)
        {
            await JsonErrorWriter.WriteAsync(response, HttpStatusMapping.ToHttpStatus(ex.Code), ex.Message).ConfigureAwait(false);
        }
    }

    /// <summary>Infer, recorded in request_count and request_latency (API <c>infer</c>, entrypoint <c>REST</c>).</summary>
    private async Task MeasuredInferAsync(HttpContext context, KServeRoute route)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            await InferAsync(context, route).ConfigureAwait(false);
            metrics?.RecordRequest(route.Model!, "infer", ServingMetrics.RestEntrypoint, StatusCode.Ok, started);
        }
        catch (ServingException ex)
        {
            metrics?.RecordRequest(route.Model!, "infer", ServingMetrics.RestEntrypoint, ex.Code, started);
            throw;
        }
    }

    private async Task InferAsync(HttpContext context, KServeRoute route)
    {
        using var handle = models.GetHandle(route.Model!, route.Version);
        using var timeout = options.TimeoutMilliseconds > 0
            ? new CancellationTokenSource(options.TimeoutMilliseconds)
            : new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, context.RequestAborted);
        var jsonLength = HeaderLength(context.Request);

        KServeInferRequest? request = null;
        KServeInferResult result;
        try
        {
            using (var body = await RestRequestBody.ReadAsync(context.Request, options.Limits, linked.Token).ConfigureAwait(false))
            {
                request = KServeJsonRequestReader.Read(body.Span, jsonLength);
            }

            result = await KServeInferenceRunner.RunAsync(handle, request, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            request?.Dispose();
            throw new ServingException(StatusCode.DeadlineExceeded, "Deadline exceeded");
        }
        catch
        {
            request?.Dispose();
            throw;
        }

        using (request)
        using (result)
        {
            await WriteInferResponseAsync(context.Response, request.Id, result).ConfigureAwait(false);
        }
    }

    private static async Task WriteInferResponseAsync(HttpResponse response, string? id, KServeInferResult result)
    {
        KServeJsonResponseWriter.CheckWritable(result);
        response.StatusCode = StatusCodes.Status200OK;
        if (!KServeJsonResponseWriter.HasBinary(result))
        {
            response.ContentType = "application/json";
            KServeJsonResponseWriter.WriteJson(response.BodyWriter, id, result);
            await response.BodyWriter.FlushAsync().ConfigureAwait(false);
            return;
        }

        // The JSON's length goes in a header, so the JSON is written aside first; the blobs go out directly.
        using var json = new PooledByteBufferWriter(4096);
        KServeJsonResponseWriter.WriteJson(json, id, result);
        long binaryLength = 0;
        foreach (var output in result.Outputs)
        {
            if (output.Binary)
            {
                binaryLength += KServeRawTensor.EncodedLength(output.Tensor);
            }
        }

        response.ContentType = "application/octet-stream";
        response.Headers[KServeParameters.HeaderContentLength] = json.Length.ToString(CultureInfo.InvariantCulture);
        response.ContentLength = json.Length + binaryLength;
        var body = response.BodyWriter;
        json.WrittenSpan.CopyTo(body.GetSpan(json.Length));
        body.Advance(json.Length);
        KServeJsonResponseWriter.WriteBinary(body, result);
        await body.FlushAsync().ConfigureAwait(false);
    }

    /// <summary>The JSON part's length when binary data follows it; null when the header is absent.</summary>
    private static int? HeaderLength(HttpRequest request)
    {
        if (!request.Headers.TryGetValue(KServeParameters.HeaderContentLength, out var values))
        {
            return null;
        }

        if (values.Count != 1 || !int.TryParse(values[0], NumberStyles.None, CultureInfo.InvariantCulture, out var length))
        {
            throw ServingException.InvalidArgument($"{KServeParameters.HeaderContentLength} must be one decimal number of bytes; got '{values}'");
        }

        if (length == 0)
        {
            // Triton's "raw binary request" form (body = one input's bytes, no JSON) is not implemented.
            throw ServingException.InvalidArgument(
                $"{KServeParameters.HeaderContentLength}: 0 (a raw binary request without JSON) is not supported; send a JSON header describing the input");
        }

        return length;
    }

    private static int ReadyStatus(bool ready) => ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;

    private static Task WriteJsonAsync(HttpResponse response, int status, Action<System.Buffers.IBufferWriter<byte>> write)
    {
        response.StatusCode = status;
        response.ContentType = "application/json";
        write(response.BodyWriter);
        return response.BodyWriter.FlushAsync().AsTask();
    }
}
