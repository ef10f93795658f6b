using System.Text;
using System.Text.Json;
using Google.Protobuf;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using NServe.Core.Errors;
using NServe.Core.Inference;
using NServe.Core.Management;
using NServe.Core.Servables;
using NServe.Core.Tensors;
using NServe.Server.Metrics;
using NServe.Server.Rest.Json;
using NServe.Server.Serving;
using NServe.Server.Tracing;

namespace NServe.Server.Rest;

/// <summary>
/// TF Serving's REST API (<c>/v1/models/...</c>): dispatch, predict, status and metadata, with its error
/// shapes and status codes. One instance serves every request on the REST port.
/// </summary>
public sealed class RestApiHandler(
    ServableManager manager,
    ModelStatusReader statusReader,
    RestApiOptions options,
    ServingMetrics? metrics = null,
    RestClassifyRegressHandler? classifyRegress = null,
    RequestLogRecorder? requestLog = null)
{
    private static readonly JsonFormatter ProtoJson = new(JsonFormatter.Settings.Default
        .WithFormatDefaultValues(true)
        .WithPreserveProtoFieldNames(true));

    private readonly RestClassifyRegressHandler _classifyRegress = classifyRegress ?? new(manager, options, new ExampleInference(), metrics);

    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var response = context.Response;
        var rawTarget = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? (request.Path + request.QueryString);

        if (!RestRoute.IsApiPath(rawTarget))
        {
            response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        if (options.EnableCors)
        {
            response.Headers.AccessControlAllowOrigin = "*";
            response.Headers.AccessControlAllowMethods = "POST, GET";
            response.Headers.AccessControlAllowHeaders = "Content-Type";
        }

        if (HttpMethods.IsOptions(request.Method))
        {
            var origin = request.Headers.Origin.ToString();
            response.StatusCode = origin.Contains("http://", StringComparison.Ordinal) || origin.Contains("https://", StringComparison.Ordinal)
                ? StatusCodes.Status200OK
                : StatusCodes.Status400BadRequest;
            return;
        }

        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        RestRoute? route = null;
        try
        {
            route = RestRoute.Parse(request.Method, rawTarget);
            switch (route.Operation)
            {
                case RestOperation.ListModels:
                    await WriteModelListAsync(response).ConfigureAwait(false);
                    break;
                case RestOperation.Status:
                    await WriteProtoJsonAsync(response, statusReader.Read(route.ModelName!, route.Version)).ConfigureAwait(false);
                    break;
                case RestOperation.Metadata:
                    await WriteMetadataAsync(response, route).ConfigureAwait(false);
                    break;
                case RestOperation.Predict:
                    await PredictAsync(context, route).ConfigureAwait(false);
                    break;
                case RestOperation.Classify:
                case RestOperation.Regress:
                    await _classifyRegress.HandleAsync(context, route).ConfigureAwait(false);
                    break;
                default:
                    throw ServingException.Unimplemented($"{route.Operation} is not implemented yet");
            }

            metrics?.RecordRestRequest(route, StatusCode.Ok, started);
        }
        catch (VersionConversionException)
        {
            metrics?.RecordRestRequest(route, StatusCode.InvalidArgument, started);
            // TF Serving returns this error before it builds the JSON error object: status only.
            response.StatusCode = StatusCodes.Status400BadRequest;
            response.ContentType = "application/json";
        }
        catch (ServingException ex)
        {
            metrics?.RecordRestRequest(route, ex.Code, started);
            await JsonErrorWriter.WriteAsync(response, HttpStatusMapping.ToHttpStatus(ex.Code), ex.Message).ConfigureAwait(false);
        }
    }

    private async Task PredictAsync(HttpContext context, RestRoute route)
    {
        using var handle = manager.GetHandle(new ServableRequest(route.ModelName!, route.Version, route.Label));
        var servable = handle.Servable;
        using var cancellation = RequestCancellation.Start(options.TimeoutMilliseconds, context.RequestAborted);

        PredictRequestJson parsed;
        using (ServingActivities.Decode(route.ModelName!))
        using (var body = await RestRequestBody.ReadAsync(context.Request, options.Limits, cancellation.Token).ConfigureAwait(false))
        {
            parsed = PredictRequestReader.Read(body.Span, name => LookupSignature(servable, name), options.Limits.MaxJsonDepth);
        }

        IReadOnlyDictionary<string, Tensor>? outputs = null;
        try
        {
            var signature = servable.Signatures[parsed.SignatureKey];
            PredictValidation.CheckInputs(signature, parsed.Inputs.Keys);
            var wanted = PredictValidation.ResolveOutputs(signature, null);
            try
            {
                using var run = ServingActivities.Run(handle.Id.Name, handle.Id.Version, parsed.SignatureKey);
                var runStarted = System.Diagnostics.Stopwatch.GetTimestamp();
                outputs = await servable.RunAsync(parsed.SignatureKey, parsed.Inputs, wanted, cancellation.Token).ConfigureAwait(false);
                metrics?.RecordRuntimeLatency(handle.Id.Name, "Predict", runStarted);
            }
            catch (OperationCanceledException) when (cancellation.TimedOut)
            {
                throw new ServingException(StatusCode.DeadlineExceeded, "Deadline exceeded");
            }

            var ordered = new KeyValuePair<string, Tensor>[wanted.Count];
            for (var i = 0; i < ordered.Length; i++)
            {
                ordered[i] = new(wanted[i], outputs[wanted[i]]);
            }

            context.Response.StatusCode = StatusCodes.Status200OK;
            context.Response.ContentType = "application/json";
            using (ServingActivities.Encode(handle.Id.Name))
            {
                PredictResponseWriter.Write(context.Response.BodyWriter, parsed.Format, ordered);
            }

            requestLog?.Predict(handle.Id.Name, handle.Id.Version, parsed.SignatureKey, parsed.Inputs, ordered);

            await context.Response.BodyWriter.FlushAsync(context.RequestAborted).ConfigureAwait(false);
        }
        finally
        {
            foreach (var input in parsed.Inputs.Values)
            {
                input.Dispose();
            }

            if (outputs is not null)
            {
                foreach (var output in outputs.Values)
                {
                    output.Dispose();
                }
            }
        }
    }

    private static Signature LookupSignature(IServable servable, string? name)
    {
        var key = string.IsNullOrEmpty(name) ? Signature.DefaultKey : name;
        return servable.Signatures.TryGetValue(key, out var signature)
            ? signature
            : throw ServingException.InvalidArgument($"Serving signature name: \"{key}\" not found in signature def");
    }

    private async Task WriteMetadataAsync(HttpResponse response, RestRoute route)
    {
        using var handle = manager.GetHandle(new ServableRequest(route.ModelName!, route.Version, route.Label));
        var spec = new Tensorflow.Serving.ModelSpec { Name = handle.Id.Name, Version = handle.Id.Version, SignatureName = "" };
        var signatures = SignatureDefs.ToSignatureDefMap(handle.Servable);

        // TF Serving assembles this document by hand around two proto JSON fragments.
        var json = new StringBuilder();
        json.Append("{\n\"model_spec\":").Append(ProtoJson.Format(spec))
            .Append(",\n\"metadata\": {\"signature_def\": ").Append(ProtoJson.Format(signatures)).Append("}\n}\n");
        await WriteJsonAsync(response, json.ToString()).ConfigureAwait(false);
    }

    /// <summary><c>{"models": [{"name", "model_version_status", "version_labels"}]}</c>: NServe's listing of every model.</summary>
    private async Task WriteModelListAsync(HttpResponse response)
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json";
        using (var writer = new Utf8JsonWriter(response.BodyWriter))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("models");
            foreach (var name in manager.ModelNames)
            {
                writer.WriteStartObject();
                writer.WriteString("name", name);
                writer.WriteStartArray("model_version_status");
                foreach (var status in manager.GetVersionStatuses(name).Select(ModelStatusReader.ToProto))
                {
                    writer.WriteRawValue(ProtoJson.Format(status));
                }

                writer.WriteEndArray();
                writer.WriteStartObject("version_labels");
                foreach (var (label, version) in manager.GetLabels(name).OrderBy(l => l.Key, StringComparer.Ordinal))
                {
                    writer.WriteString(label, version.ToString(System.Globalization.CultureInfo.InvariantCulture));
                }

                writer.WriteEndObject();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        await response.BodyWriter.FlushAsync().ConfigureAwait(false);
    }

    private static Task WriteProtoJsonAsync(HttpResponse response, IMessage message) =>
        WriteJsonAsync(response, ProtoJson.Format(message));

    private static async Task WriteJsonAsync(HttpResponse response, string json)
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json";
        await response.WriteAsync(json, Encoding.UTF8).ConfigureAwait(false);
    }
}
