using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace NServe.Server.Tracing;

/// <summary>
/// OpenTelemetry tracing, on when an OTLP endpoint is given (<c>--otlp_endpoint</c> or the standard
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>): ASP.NET Core's request spans with NServe's decode/run/encode spans
/// under them, exported over OTLP/HTTP.
/// </summary>
public static class TracingSetup
{
    public static string? Endpoint(string flagValue) =>
        flagValue.Length > 0 ? flagValue : Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT") is { Length: > 0 } env ? env : null;

    public static void AddTracing(IServiceCollection services, string endpoint, string version)
    {
        var traces = endpoint.TrimEnd('/');
        if (!traces.EndsWith("/v1/traces", StringComparison.Ordinal))
        {
            traces += "/v1/traces";
        }

        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("nserve", serviceVersion: version))
            .WithTracing(tracing => tracing
                .AddSource(ServingActivities.SourceName)
                .AddAspNetCoreInstrumentation()
                .AddOtlpExporter(otlp =>
                {
                    otlp.Endpoint = new Uri(traces);
                    otlp.Protocol = OtlpExportProtocol.HttpProtobuf;
                    otlp.ExportProcessorType = ExportProcessorType.Batch;
                    otlp.BatchExportProcessorOptions.ScheduledDelayMilliseconds = 1000;
                }));
    }
}
