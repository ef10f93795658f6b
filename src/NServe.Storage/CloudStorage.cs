using NServe.Core.Errors;
using NServe.Core.Sources;

namespace NServe.Storage;

/// <summary>Registers the object stores NServe reads models from: S3 and Azure Blob.</summary>
public static class CloudStorage
{
    /// <summary>
    /// Adds <c>s3://</c> and the Azure Blob forms to <paramref name="registry"/>, with clients configured
    /// from <paramref name="environment"/> (the process environment when null).
    /// </summary>
    public static ModelStorageRegistry AddCloudStorage(this ModelStorageRegistry registry, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        // One S3 client for all models; a failed creation (no region, bad endpoint) is retried next poll.
        var s3 = new Lazy<Amazon.S3.IAmazonS3>(() => CreateS3Client(environment), LazyThreadSafetyMode.PublicationOnly);
        registry.Register(S3Location.Matches, (basePath, cacheFolder) => new S3ModelStorage(s3.Value, basePath, cacheFolder));
        registry.Register(AzureBlobLocation.Matches, (basePath, cacheFolder) =>
        {
            var location = AzureBlobLocation.Parse(basePath);
            try
            {
                return new AzureBlobModelStorage(AzureBlobClientSettings.CreateContainerClient(location, environment), location, basePath, cacheFolder);
            }
            catch (Exception ex) when (ex is FormatException or ArgumentException)
            {
                throw new ModelStorageException($"Could not set up the Azure Blob client for {basePath}: {ex.Message}", ex, StatusCode.InvalidArgument);
            }
        });
        return registry;
    }

    private static Amazon.S3.IAmazonS3 CreateS3Client(Func<string, string?> environment)
    {
        try
        {
            return S3ClientSettings.CreateClient(environment);
        }
        catch (Exception ex) when (ex is Amazon.Runtime.AmazonClientException or ArgumentException or UriFormatException)
        {
            throw new ModelStorageException($"Could not set up the S3 client: {ex.Message}", ex, StatusCode.InvalidArgument);
        }
    }
}
