using System.Net;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using NServe.Core.Errors;
using NServe.Core.Sources;

namespace NServe.Storage;

/// <summary>A model's version folders under an Azure Blob container and prefix.</summary>
public sealed class AzureBlobModelStorage(BlobContainerClient container, AzureBlobLocation location, string basePath, string cacheFolder)
    : RemoteModelStorage(basePath, cacheFolder)
{
    protected override async Task<IReadOnlyList<StoredObject>> ListObjectsAsync(CancellationToken cancellationToken)
    {
        var objects = new List<StoredObject>();
        try
        {
            await foreach (var blob in container.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix: location.NamePrefix, cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                objects.Add(new StoredObject(blob.Name[location.NamePrefix.Length..], blob.Properties.ContentLength ?? 0, blob.Properties.ETag?.ToString() ?? ""));
            }

            return objects;
        }
        catch (Exception ex) when (Translate(ex, null) is { } error)
        {
            throw error;
        }
    }

    protected override async Task DownloadObjectAsync(StoredObject item, Stream destination, CancellationToken cancellationToken)
    {
        var name = location.NamePrefix + item.RelativeKey;

        // Only the bytes that were listed: a blob rewritten since then fails here and is fetched next poll.
        var conditions = item.Tag.Length > 0 ? new BlobRequestConditions { IfMatch = new ETag(item.Tag) } : null;
        try
        {
            await container.GetBlobClient(name).DownloadToAsync(destination, new BlobDownloadToOptions { Conditions = conditions }, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (Translate(ex, name) is { } error)
        {
            throw error;
        }
    }

    /// <summary>What went wrong, in words and as a status code, or null for an exception that is not the store's (cancellation).</summary>
    private ModelStorageException? Translate(Exception ex, string? name)
    {
        var what = name is null ? BasePath : $"blob {name} of container {location.Container}";
        (StatusCode Code, string Message)? described = ex switch
        {
            RequestFailedException { ErrorCode: "ContainerNotFound" } => (StatusCode.NotFound, $"Azure container '{location.Container}' does not exist ({BasePath})"),
            RequestFailedException { ErrorCode: "BlobNotFound" } => (StatusCode.NotFound, $"{what} was deleted while it was being fetched"),
            RequestFailedException { Status: (int)HttpStatusCode.PreconditionFailed } => (StatusCode.Aborted, $"{what} changed while it was being fetched"),
            RequestFailedException { ErrorCode: "AuthenticationFailed" } =>
                (StatusCode.Unauthenticated, $"Azure rejected the credentials for {what}: check AZURE_STORAGE_CONNECTION_STRING or AZURE_STORAGE_KEY"),
            RequestFailedException { Status: (int)HttpStatusCode.Forbidden or (int)HttpStatusCode.Unauthorized } failed =>
                (StatusCode.PermissionDenied, $"Access denied to {what} ({failed.ErrorCode}): check the credentials (AZURE_STORAGE_CONNECTION_STRING, AZURE_STORAGE_KEY or AZURE_STORAGE_SAS_TOKEN) and their permissions"),
            RequestFailedException { Status: 0 } failed =>
                (StatusCode.Unavailable, $"Could not reach Azure Blob storage for {what}: {failed.InnerException?.Message ?? failed.Message}"),
            RequestFailedException failed => (StatusCode.Unavailable, $"Azure Blob request for {what} failed ({failed.Status} {failed.ErrorCode})"),
            OperationCanceledException => null,
            AggregateException or HttpRequestException or IOException or TimeoutException =>
                (StatusCode.Unavailable, $"Could not reach Azure Blob storage for {what}: {ex.Message}"),
            _ => null,
        };
        return described is { } d ? new ModelStorageException(d.Message, ex, d.Code) : null;
    }
}
