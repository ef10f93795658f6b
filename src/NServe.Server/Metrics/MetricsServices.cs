using Microsoft.Extensions.DependencyInjection;
using NServe.Core.Management;

namespace NServe.Server.Metrics;

/// <summary>Registers a server's metrics for the handlers and the gRPC interceptor to record into.</summary>
public static class MetricsServices
{
    /// <summary>Makes <paramref name="metrics"/> available and exports <paramref name="manager"/>'s version states.</summary>
    public static IServiceCollection AddServerMetrics(this IServiceCollection services, ServerMetrics metrics, ServableManager manager)
    {
        metrics.Models.TrackVersionStates(manager);
        services.AddSingleton(metrics);
        services.AddSingleton(metrics.Serving);
        services.AddSingleton(metrics.Batching);
        services.AddSingleton(metrics.Models);

        // A singleton, so the interceptor is not created again for every call.
        services.AddSingleton<GrpcMetricsInterceptor>();
        return services;
    }
}
