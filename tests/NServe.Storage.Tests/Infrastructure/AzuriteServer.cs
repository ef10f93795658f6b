using System.Globalization;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace NServe.Storage.Tests.Infrastructure;

/// <summary>Azurite's blob service on a free port, shared by a test class; <see cref="NewContainerAsync"/> makes a fresh container per test.</summary>
public sealed class AzuriteServer : IDisposable
{
    public const string Executable = "azurite-blob";
    public const string Account = "devstoreaccount1";

    // Azurite's well-known development key (published in its documentation), not a secret.
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly Lazy<ExternalServer> _server = new(() => ExternalServer.Start(
        Executable,
        port => ["--blobHost", "127.0.0.1", "--blobPort", port.ToString(CultureInfo.InvariantCulture), "--inMemoryPersistence", "--skipApiVersionCheck", "--silent"]));

    public string ConnectionString(string key = AccountKey) =>
        $"DefaultEndpointsProtocol=http;AccountName={Account};AccountKey={key};BlobEndpoint=http://127.0.0.1:{_server.Value.Port}/{Account};";

    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string>
    {
        ["AZURE_STORAGE_CONNECTION_STRING"] = ConnectionString(),
    };

    public async Task<TestStore> NewContainerAsync()
    {
        var environment = Environment;
        var container = new BlobContainerClient(environment["AZURE_STORAGE_CONNECTION_STRING"], "models-" + Guid.NewGuid().ToString("N")[..12]);
        await container.CreateAsync();
        return new Container(container, environment);
    }

    public void Dispose()
    {
        if (_server.IsValueCreated)
        {
            _server.Value.Dispose();
        }
    }

    private sealed class Container(BlobContainerClient client, IReadOnlyDictionary<string, string> environment) : TestStore
    {
        private const string Prefix = "team/linear";

        public override string BasePath => $"az://{Account}/{client.Name}/{Prefix}";

        public override IReadOnlyDictionary<string, string> Environment => environment;

        public override Task PutAsync(string relativeKey, byte[] content) =>
            client.GetBlobClient($"{Prefix}/{relativeKey}").UploadAsync(new BinaryData(content), overwrite: true);

        public override async Task DeleteAsync(string relativePrefix)
        {
            await foreach (var blob in client.GetBlobsAsync(BlobTraits.None, BlobStates.None, $"{Prefix}/{relativePrefix}", CancellationToken.None))
            {
                await client.DeleteBlobAsync(blob.Name);
            }
        }

        public override Task DeleteStoreAsync() => client.DeleteAsync();

        public override Task CreateStoreAsync() => client.CreateAsync();
    }
}
