using Grpc.Core;
using Grpc.Core.Interceptors;
using NServe.Core.Errors;

namespace NServe.Server.Grpc;

/// <summary>
/// Turns a <see cref="ServingException"/> into the gRPC status TF Serving would send (codes map 1:1;
/// messages over 1024 characters are cut with "...TRUNCATED", as ToGRPCStatus does).
/// </summary>
public sealed class ServingExceptionInterceptor : Interceptor
{
    private const int MaxMessageLength = 1024;

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request,
        ServerCallContext context,
        UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context).ConfigureAwait(false);
        }
        catch (ServingException ex)
        {
            throw new RpcException(new Status((global::Grpc.Core.StatusCode)(int)ex.Code, Truncate(ex.Message)));
        }
    }

    private static string Truncate(string message) =>
        message.Length <= MaxMessageLength ? message : string.Concat(message.AsSpan(0, MaxMessageLength), "...TRUNCATED");
}
