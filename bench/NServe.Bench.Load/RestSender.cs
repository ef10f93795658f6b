using System.Net;

namespace NServe.Bench.Load;

/// <summary>POSTs the same JSON body to a REST :predict endpoint over a pool of keep-alive connections.</summary>
internal sealed class RestSender : IRequestSender
{
    private readonly HttpClient _client;
    private readonly Uri _uri;
    private readonly byte[] _body;

    public RestSender(LoadOptions options, byte[] body)
    {
        _body = body;
        var path = options.Version is { } version
            ? $"/v1/models/{options.Model}/versions/{version}:predict"
            : $"/v1/models/{options.Model}:predict";
        _uri = new Uri(options.Url + path);
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = options.Concurrency,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            AutomaticDecompression = DecompressionMethods.None,
            UseProxy = false,
        };
        _client = new HttpClient(handler) { Timeout = TimeSpan.FromMinutes(5) };
    }

    public string Describe() => $"REST POST {_uri} ({_body.Length} bytes)";

    public async Task<string?> SendAsync(CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(_body);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var response = await _client.PostAsync(_uri, content, cancellationToken).ConfigureAwait(false);
        var answer = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        return response.StatusCode == HttpStatusCode.OK
            ? null
            : $"HTTP {(int)response.StatusCode}: {System.Text.Encoding.UTF8.GetString(answer)}";
    }

    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        return ValueTask.CompletedTask;
    }
}
