using System.Collections.Concurrent;
using System.Text;

namespace NServe.Bench.Load;

/// <summary>
/// POSTs the same JSON body over plain keep-alive sockets, one per request in flight, with the request bytes
/// built once: the least client work HTTP/1.1 allows, so that on a small machine shared with the server the
/// load generator takes fewer of the cores it measures (HttpClient costs tens of microseconds per request).
/// </summary>
internal sealed class RawHttpSender : IRequestSender
{
    private readonly string _host;
    private readonly int _port;
    private readonly string _path;
    private readonly byte[] _request;
    private readonly ConcurrentBag<RawHttpConnection> _idle = [];

    public RawHttpSender(LoadOptions options, byte[] body)
    {
        var uri = new Uri(options.Url!);
        if (uri.Scheme != Uri.UriSchemeHttp)
        {
            throw new ArgumentException("--raw-http speaks plain http:// only");
        }

        _host = uri.Host;
        _port = uri.Port;
        _path = options.Version is { } version
            ? $"/v1/models/{options.Model}/versions/{version}:predict"
            : $"/v1/models/{options.Model}:predict";
        var head = Encoding.ASCII.GetBytes(
            $"POST {_path} HTTP/1.1\r\nHost: {uri.Authority}\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\n\r\n");
        _request = [.. head, .. body];
    }

    public string Describe() => $"REST POST http://{_host}:{_port}{_path} over raw sockets ({_request.Length} bytes with headers)";

    public async Task<string?> SendAsync(CancellationToken cancellationToken)
    {
        if (!_idle.TryTake(out var connection))
        {
            connection = await RawHttpConnection.OpenAsync(_host, _port, cancellationToken).ConfigureAwait(false);
        }

        try
        {
            var (status, errorBody) = await connection.ExchangeAsync(_request, cancellationToken).ConfigureAwait(false);
            _idle.Add(connection);
            return status == 200 ? null : $"HTTP {status}: {errorBody}";
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    public ValueTask DisposeAsync()
    {
        while (_idle.TryTake(out var connection))
        {
            connection.Dispose();
        }

        return ValueTask.CompletedTask;
    }
}
