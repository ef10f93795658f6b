using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace NServe.Server.Metrics;

/// <summary>
/// The metrics page on the REST port at the configured path (rest_api.md §8): TF Serving's metrics and
/// NServe's in the text exposition format, then the .NET runtime metrics. The path is matched exactly
/// before the API dispatch; a query string gets TF Serving's 400 "Unexpected path", since TF routes on
/// the bare path but compares it with the path plus query.
/// </summary>
public sealed class PrometheusEndpoint(string path, ServerMetrics metrics)
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public string Path { get; } = path;

    /// <summary>True when the request's path (without its query) is the metrics path.</summary>
    public bool Matches(HttpContext context)
    {
        var target = RawTarget(context);
        var query = target.IndexOf('?', StringComparison.Ordinal);
        var bare = query < 0 ? target.AsSpan() : target.AsSpan(0, query);
        return bare.SequenceEqual(Path);
    }

    public async Task HandleAsync(HttpContext context)
    {
        var response = context.Response;
        var target = RawTarget(context);
        response.ContentType = ContentType;
        if (!string.Equals(target, Path, StringComparison.Ordinal))
        {
            response.StatusCode = StatusCodes.Status400BadRequest;
            await response.WriteAsync($"Unexpected path: {target}. Should be {Path}", Encoding.UTF8, context.RequestAborted).ConfigureAwait(false);
            return;
        }

        response.StatusCode = StatusCodes.Status200OK;
        var page = metrics.Registry.WriteToString();
        await response.WriteAsync(page, Encoding.UTF8, context.RequestAborted).ConfigureAwait(false);
        await metrics.Runtime.WriteToAsync(response.Body, context.RequestAborted).ConfigureAwait(false);
    }

    private static string RawTarget(HttpContext context)
    {
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        return string.IsNullOrEmpty(raw) ? (context.Request.PathBase + context.Request.Path + context.Request.QueryString).ToString() : raw;
    }
}
