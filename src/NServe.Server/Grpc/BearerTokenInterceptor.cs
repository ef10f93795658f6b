using Grpc.Core;
using Grpc.Core.Interceptors;
using NServe.Server.Security;

namespace NServe.Server.Grpc;

/// <summary>Checks gRPC calls' <c>authorization</c> metadata against the configured bearer tokens.</summary>
public sealed class BearerTokenInterceptor(BearerTokens tokens) : Interceptor
{
    private const string ReloadMethod = "/tensorflow.serving.ModelService/HandleReloadConfigRequest";

    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request,
        ServerCallContext context,
        UnaryServerMethod<TRequest, TResponse> continuation)
    {
        // Health checks stay open, so probes need no secret.
        if (tokens.IsEnabled && !IsHealthCheck(context.Method))
        {
            tokens.Check(context.RequestHeaders.GetValue("authorization"), admin: context.Method == ReloadMethod);
        }

        return continuation(request, context);
    }

    private static bool IsHealthCheck(string method) =>
        method.StartsWith("/grpc.health.v1.", StringComparison.Ordinal)
        || method is "/inference.GRPCInferenceService/ServerLive" or "/inference.GRPCInferenceService/ServerReady";
}
