using Microsoft.Extensions.DependencyInjection;

namespace NServe.Server.KServe;

/// <summary>Registers the KServe v2 services; the host maps <see cref="GrpcInferenceServiceImpl"/> and routes <c>/v2</c> to <see cref="KServeRestHandler"/>.</summary>
public static class KServeEndpoints
{
    /// <summary>
    /// Needs <c>ServableManager</c> and <c>RestApiOptions</c> registered by the host;
    /// <paramref name="executionProvider"/> is the ORT provider every model runs on (from <c>--device</c>).
    /// </summary>
    public static IServiceCollection AddKServe(this IServiceCollection services, string executionProvider)
    {
        services.AddSingleton(provider => new KServeModels(provider.GetRequiredService<NServe.Core.Management.ServableManager>(), executionProvider));
        services.AddSingleton<KServeReadiness>();
        services.AddSingleton<KServeRestHandler>();
        return services;
    }
}
