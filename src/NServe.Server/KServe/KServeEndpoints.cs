using Microsoft.Extensions.DependencyInjection;

namespace NServe.Server.KServe;

/// <summary>Registers the KServe v2 services; the host maps <see cref="GrpcInferenceServiceImpl"/> and routes <c>/v2</c> to <see cref="KServeRestHandler"/>.</summary>
public static class KServeEndpoints
{
    /// <summary>Needs <c>ServableManager</c> and <c>RestApiOptions</c> registered by the host.</summary>
    public static IServiceCollection AddKServe(this IServiceCollection services)
    {
        services.AddSingleton<KServeModels>();
        services.AddSingleton<KServeReadiness>();
        services.AddSingleton<KServeRestHandler>();
        return services;
    }
}
