namespace NServe.Bench.Load;

/// <summary>Sends one predict request and waits for the whole answer; null on success, else the error text.</summary>
internal interface IRequestSender : IAsyncDisposable
{
    string Describe();

    Task<string?> SendAsync(CancellationToken cancellationToken);
}
