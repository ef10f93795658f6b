using Azure;
using Azure.Storage;
using Azure.Storage.Blobs;

namespace NServe.Storage;

/// <summary>
/// Builds the container client of an Azure Blob base path from the environment, in this order:
/// <c>AZURE_STORAGE_CONNECTION_STRING</c> (its endpoint wins, which is how Azurite and sovereign clouds are
/// reached); <c>AZURE_STORAGE_KEY</c> (shared key for the path's account); <c>AZURE_STORAGE_SAS_TOKEN</c>;
/// otherwise anonymous access (public containers).
/// </summary>
public static class AzureBlobClientSettings
{
    public static BlobContainerClient CreateContainerClient(AzureBlobLocation location, Func<string, string?> environment)
    {
        var options = new BlobClientOptions();
        options.Retry.MaxRetries = 2;
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(60);

        if (environment("AZURE_STORAGE_CONNECTION_STRING") is { Length: > 0 } connectionString)
        {
            return new BlobServiceClient(connectionString, options).GetBlobContainerClient(location.Container);
        }

        var service = location.ServiceUri ?? new Uri($"https://{location.Account}.blob.core.windows.net");
        if (environment("AZURE_STORAGE_KEY") is { Length: > 0 } key)
        {
            return new BlobServiceClient(service, new StorageSharedKeyCredential(location.Account, key), options).GetBlobContainerClient(location.Container);
        }

        if (environment("AZURE_STORAGE_SAS_TOKEN") is { Length: > 0 } sas)
        {
            return new BlobServiceClient(service, new AzureSasCredential(sas.TrimStart('?')), options).GetBlobContainerClient(location.Container);
        }

        return new BlobServiceClient(service, options).GetBlobContainerClient(location.Container);
    }
}
