using Microsoft.AspNetCore.Http;
using NServe.Core.Errors;
using NServe.Server.KServe;
using NServe.Server.Limits;
using NServe.Server.Metrics;
using NServe.Server.Rest;
using NServe.Server.Security;

namespace NServe.Server.Hosting;

/// <summary>
/// Every request on the REST port comes here: the metrics page (an exact path, as in TF Serving) and
/// health probes stay open, bearer tokens are checked when configured, then KServe v2 takes <c>/v2</c>
/// and TF Serving's v1 API takes the rest.
/// </summary>
public sealed class RestPortDispatcher(RestApiHandler rest, KServeRestHandler kserve, BearerTokens tokens, ServerMetrics? metrics = null)
{
    public async Task DispatchAsync(HttpContext context)
    {
        if (metrics?.Endpoint is { } prometheus && prometheus.Matches(context))
        {
            await prometheus.HandleAsync(context).ConfigureAwait(false);
            return;
        }

        var path = context.Request.Path.Value ?? "";
        if (tokens.IsEnabled && !path.StartsWith("/v2/health/", StringComparison.Ordinal))
        {
            try
            {
                tokens.Check(context.Request.Headers.Authorization.ToString() is { Length: > 0 } header ? header : null, admin: false);
            }
            catch (ServingException ex)
            {
                context.Response.Headers.WWWAuthenticate = "Bearer";
                await JsonErrorWriter.WriteAsync(context.Response, HttpStatusMapping.ToHttpStatus(ex.Code), ex.Message).ConfigureAwait(false);
                return;
            }
        }

        try
        {
            await (kserve.CanHandle(path) ? kserve.HandleAsync(context) : rest.HandleAsync(context)).ConfigureAwait(false);
        }
        catch (RequestBodyTooLargeException ex) when (!context.Response.HasStarted)
        {
            await JsonErrorWriter.WriteAsync(context.Response, StatusCodes.Status413PayloadTooLarge, ex.Message).ConfigureAwait(false);
        }
    }
}
