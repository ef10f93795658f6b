using Grpc.Core;
using Grpc.Health.V1;
using NServe.Server.KServe;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace NServe.Server.Grpc;

/// <summary>
/// <c>grpc.health.v1.Health</c> (with <c>--enable_grpc_healthcheck_service</c>): SERVING once every
/// configured model has an AVAILABLE version or has failed for good (the readiness of
/// <c>/v2/health/ready</c>), NOT_SERVING before. It answers for the whole server (<c>""</c>) and for each
/// service NServe serves; other names are unknown (NOT_FOUND, or SERVICE_UNKNOWN when watched).
/// </summary>
public sealed class HealthServiceImpl(KServeReadiness readiness) : Health.HealthBase
{
    /// <summary>How often a Watch looks at readiness again.</summary>
    internal static readonly TimeSpan WatchInterval = TimeSpan.FromMilliseconds(250);

    private static readonly HashSet<string> KnownServices = new(StringComparer.Ordinal)
    {
        "",
        "tensorflow.serving.PredictionService",
        "tensorflow.serving.ModelService",
        "inference.GRPCInferenceService",
    };

    public override Task<HealthCheckResponse> Check(HealthCheckRequest request, ServerCallContext context)
    {
        if (!KnownServices.Contains(request.Service))
        {
            throw new RpcException(new Status(StatusCode.NotFound, $"unknown service {request.Service}"));
        }

        return Task.FromResult(new HealthCheckResponse { Status = Current() });
    }

    /// <summary>Sends the status now and again whenever it changes, until the client goes away.</summary>
    public override async Task Watch(HealthCheckRequest request, IServerStreamWriter<HealthCheckResponse> responseStream, ServerCallContext context)
    {
        var known = KnownServices.Contains(request.Service);
        ServingStatus? sent = null;
        using var timer = new PeriodicTimer(WatchInterval);
        try
        {
            do
            {
                var status = known ? Current() : ServingStatus.ServiceUnknown;
                if (status != sent)
                {
                    await responseStream.WriteAsync(new HealthCheckResponse { Status = status }, context.CancellationToken).ConfigureAwait(false);
                    sent = status;
                }
            }
            while (await timer.WaitForNextTickAsync(context.CancellationToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
        }
    }

    private ServingStatus Current() => readiness.IsServerReady() ? ServingStatus.Serving : ServingStatus.NotServing;
}
