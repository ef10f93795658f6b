namespace NServe.EndToEnd.Tests.Infrastructure;

/// <summary>One server for a test class: the demo model, named as in TF Serving's tutorial.</summary>
public sealed class HalfPlusTwoServer : IAsyncLifetime
{
    public ServerProcess Server { get; private set; } = null!;

    // A relative base path on purpose: NServe resolves it against the working directory (the repo root).
    public Task InitializeAsync() => StartAsync("--model_name=half_plus_two", "--model_base_path=examples/half_plus_two");

    public async Task DisposeAsync() => await Server.DisposeAsync();

    private async Task StartAsync(params string[] arguments) => Server = await ServerProcess.StartAsync(arguments);
}
