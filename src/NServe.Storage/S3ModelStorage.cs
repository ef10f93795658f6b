using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using NServe.Core.Errors;
using NServe.Core.Sources;

namespace NServe.Storage;

/// <summary>A model's version folders under <c>s3://bucket/prefix</c>.</summary>
public sealed class S3ModelStorage(IAmazonS3 client, string basePath, string cacheFolder) : RemoteModelStorage(basePath, cacheFolder)
{
    private readonly S3Location _location = S3Location.Parse(basePath);

    protected override async Task<IReadOnlyList<StoredObject>> ListObjectsAsync(CancellationToken cancellationToken)
    {
        var objects = new List<StoredObject>();
        var request = new ListObjectsV2Request { BucketName = _location.Bucket, Prefix = _location.KeyPrefix };
        try
        {
            while (true)
            {
                var response = await client.ListObjectsV2Async(request, cancellationToken).ConfigureAwait(false);
                foreach (var item in response.S3Objects ?? [])
                {
                    objects.Add(new StoredObject(item.Key[_location.KeyPrefix.Length..], item.Size ?? 0, item.ETag ?? item.LastModified?.Ticks.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? ""));
                }

                if (response.IsTruncated != true || string.IsNullOrEmpty(response.NextContinuationToken))
                {
                    return objects;
                }

                request.ContinuationToken = response.NextContinuationToken;
            }
        }
        catch (Exception ex) when (Translate(ex, null) is { } error)
        {
            throw error;
        }
    }

    protected override async Task DownloadObjectAsync(StoredObject item, Stream destination, CancellationToken cancellationToken)
    {
        var key = _location.KeyPrefix + item.RelativeKey;

        // Only the bytes that were listed: an object rewritten since then fails here and is fetched next poll.
        var request = new GetObjectRequest { BucketName = _location.Bucket, Key = key, EtagToMatch = item.Tag.StartsWith('"') ? item.Tag : null };
        try
        {
            using var response = await client.GetObjectAsync(request, cancellationToken).ConfigureAwait(false);
            await response.ResponseStream.CopyToAsync(destination, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (Translate(ex, key) is { } error)
        {
            throw error;
        }
    }

    /// <summary>What went wrong, in words and as a status code, or null for an exception that is not the store's (cancellation).</summary>
    private ModelStorageException? Translate(Exception ex, string? key)
    {
        var what = key is null ? BasePath : $"s3://{_location.Bucket}/{key}";
        (StatusCode Code, string Message)? described = ex switch
        {
            AmazonS3Exception { ErrorCode: "NoSuchBucket" } => (StatusCode.NotFound, $"S3 bucket '{_location.Bucket}' does not exist ({BasePath})"),
            AmazonS3Exception { ErrorCode: "NoSuchKey" } => (StatusCode.NotFound, $"{what} was deleted while it was being fetched"),
            AmazonS3Exception { StatusCode: HttpStatusCode.PreconditionFailed } => (StatusCode.Aborted, $"{what} changed while it was being fetched"),
            AmazonS3Exception { ErrorCode: "InvalidAccessKeyId" or "SignatureDoesNotMatch" or "InvalidToken" or "ExpiredToken" } s3 =>
                (StatusCode.Unauthenticated, $"S3 rejected the credentials for {what} ({s3.ErrorCode}): check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY or the AWS profile"),
            AmazonS3Exception { StatusCode: HttpStatusCode.Forbidden } s3 => (StatusCode.PermissionDenied, $"Access denied to {what} ({s3.ErrorCode}): {s3.Message}"),
            AmazonS3Exception s3 => (StatusCode.Unavailable, $"S3 request for {what} failed ({(int)s3.StatusCode} {s3.ErrorCode}): {s3.Message}"),
            OperationCanceledException => null,
            HttpRequestException or IOException or TimeoutException => (StatusCode.Unavailable, $"Could not reach S3 for {what}: {ex.Message}"),
            AmazonClientException client when client.InnerException is HttpRequestException or IOException or TimeoutException =>
                (StatusCode.Unavailable, $"Could not reach S3 for {what}: {client.InnerException.Message}"),
            AmazonClientException client => (StatusCode.Unavailable, $"S3 client error for {what}: {client.Message}"),
            _ => null,
        };
        return described is { } d ? new ModelStorageException(d.Message, ex, d.Code) : null;
    }
}
