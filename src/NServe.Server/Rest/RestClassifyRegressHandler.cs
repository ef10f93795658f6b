using Microsoft.AspNetCore.Http;
using NServe.Core.Errors;
using NServe.Core.Inference;
using NServe.Core.Management;
using NServe.Server.Metrics;
using NServe.Server.Rest.Json;
using NServe.Server.Serving;
using NServe.Server.Tracing;
using Tensorflow.Serving;

namespace NServe.Server.Rest;

/// <summary>
/// REST <c>:classify</c> and <c>:regress</c> (rest_api.md §5): the body becomes a Classification or
/// RegressionRequest (before the model is looked up, as in TF Serving), runs through
/// <see cref="ExampleInference"/> as the gRPC API does, and the result is written as <c>{"results": ...}</c>.
/// </summary>
public sealed class RestClassifyRegressHandler(
    ServableManager manager,
    RestApiOptions options,
    ExampleInference inference,
    ServingMetrics? metrics = null,
    RequestLogRecorder? requestLog = null)
{
    public async Task HandleAsync(HttpContext context, RestRoute route)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(route);
        using var timeout = options.TimeoutMilliseconds > 0
            ? new CancellationTokenSource(options.TimeoutMilliseconds)
            : new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, context.RequestAborted);

        ExampleRequestJson parsed;
        using (ServingActivities.Decode(route.ModelName!))
        using (var body = await RestRequestBody.ReadAsync(context.Request, options.Limits, linked.Token).ConfigureAwait(false))
        {
            parsed = ExampleRequestReader.Read(body.Span, options.Limits.MaxJsonDepth);
        }

        using var handle = manager.GetHandle(new ServableRequest(route.ModelName!, route.Version, route.Label));
        var spec = RequestSpec(route, parsed.SignatureName);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            using var run = ServingActivities.Run(handle.Id.Name, handle.Id.Version, ExampleSignatures.Key(spec.SignatureName));
            if (route.Operation == RestOperation.Classify)
            {
                var request = new ClassificationRequest { ModelSpec = spec, Input = parsed.Input };
                var response = await inference.ClassifyAsync(handle.Servable, request, linked.Token).ConfigureAwait(false);
                metrics?.RecordRuntimeLatency(handle.Id.Name, "Classify", started);
                StartJson(context.Response);
                ExampleResultWriter.Write(context.Response.BodyWriter, response.Result);
                requestLog?.Classify(request, response);
            }
            else
            {
                var request = new RegressionRequest { ModelSpec = spec, Input = parsed.Input };
                var response = await inference.RegressAsync(handle.Servable, request, linked.Token).ConfigureAwait(false);
                metrics?.RecordRuntimeLatency(handle.Id.Name, "Regress", started);
                StartJson(context.Response);
                ExampleResultWriter.Write(context.Response.BodyWriter, response.Result);
                requestLog?.Regress(request, response);
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            throw new ServingException(StatusCode.DeadlineExceeded, "Deadline exceeded");
        }

        await context.Response.BodyWriter.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }

    // TF Serving's REST handler fills the model spec from the URL: name, then version or label.
    private static ModelSpec RequestSpec(RestRoute route, string signatureName)
    {
        var spec = new ModelSpec { Name = route.ModelName!, SignatureName = signatureName };
        if (route.Version is { } version)
        {
            spec.Version = version;
        }
        else if (route.Label is { } label)
        {
            spec.VersionLabel = label;
        }

        return spec;
    }

    private static void StartJson(HttpResponse response)
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json";
    }
}
