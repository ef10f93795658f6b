using Grpc.Core;
using Grpc.Net.Client;
using Tensorflow.Serving;

namespace NServe.Bench.Load;

/// <summary>Sends the same PredictRequest over one gRPC channel (HTTP/2, several connections when streams run out).</summary>
internal sealed class GrpcSender : IRequestSender
{
    private readonly GrpcChannel _channel;
    private readonly PredictionService.PredictionServiceClient _client;
    private readonly PredictRequest _request;

    public GrpcSender(LoadOptions options, PredictRequest request)
    {
        _request = request;
        _channel = GrpcChannel.ForAddress($"http://{options.Target}", new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true, UseProxy = false },
            MaxReceiveMessageSize = int.MaxValue,
            MaxSendMessageSize = int.MaxValue,
        });
        _client = new PredictionService.PredictionServiceClient(_channel);
    }

    public string Describe() => $"gRPC Predict to {_channel.Target} ({_request.CalculateSize()} bytes)";

    public async Task<string?> SendAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _client.PredictAsync(_request, cancellationToken: cancellationToken).ResponseAsync.ConfigureAwait(false);
            return null;
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled && cancellationToken.IsCancellationRequested)
        {
            // The run's end, not an error of the server.
            throw new OperationCanceledException(cancellationToken);
        }
        catch (RpcException e)
        {
            return $"{e.StatusCode}: {e.Status.Detail}";
        }
    }

    public ValueTask DisposeAsync()
    {
        _channel.Dispose();
        return ValueTask.CompletedTask;
    }
}
