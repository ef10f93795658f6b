using Amazon;
using Amazon.Runtime;
using Amazon.S3;

namespace NServe.Storage;

/// <summary>
/// Builds the S3 client from the environment the way the AWS tools and TF's S3 file system read it:
/// credentials from <c>AWS_ACCESS_KEY_ID</c>/<c>AWS_SECRET_ACCESS_KEY</c>/<c>AWS_SESSION_TOKEN</c> or else the
/// SDK's default chain (profile, container and instance roles); region from <c>AWS_REGION</c>,
/// <c>AWS_DEFAULT_REGION</c>, TF's <c>S3_REGION</c>, the profile, or else us-east-1; a custom endpoint (S3-compatible stores, addressed
/// path-style) from <c>AWS_ENDPOINT_URL_S3</c>, <c>AWS_ENDPOINT_URL</c> or TF's <c>S3_ENDPOINT</c>
/// (host[:port], https unless <c>S3_USE_HTTPS=0</c>).
/// </summary>
public static class S3ClientSettings
{
    public static IAmazonS3 CreateClient(Func<string, string?> environment)
    {
        var config = new AmazonS3Config
        {
            MaxErrorRetry = 2,
            Timeout = TimeSpan.FromSeconds(60),
        };

        var region = First(environment, "AWS_REGION", "AWS_DEFAULT_REGION", "S3_REGION");
        if (Endpoint(environment) is { } endpoint)
        {
            config.ServiceURL = endpoint;
            config.ForcePathStyle = true;
            config.AuthenticationRegion = region ?? "us-east-1";
        }
        else
        {
            // The profile's region when there is one; otherwise us-east-1, as TF's S3 file system defaults.
            config.RegionEndpoint = region is not null
                ? RegionEndpoint.GetBySystemName(region)
                : FallbackRegionFactory.GetRegionEndpoint() ?? RegionEndpoint.USEast1;
        }

        var key = environment("AWS_ACCESS_KEY_ID");
        var secret = environment("AWS_SECRET_ACCESS_KEY");
        if (!string.IsNullOrEmpty(key) && !string.IsNullOrEmpty(secret))
        {
            var token = environment("AWS_SESSION_TOKEN");
            AWSCredentials credentials = string.IsNullOrEmpty(token)
                ? new BasicAWSCredentials(key, secret)
                : new SessionAWSCredentials(key, secret, token);
            return new AmazonS3Client(credentials, config);
        }

        return new AmazonS3Client(config);
    }

    /// <summary>The endpoint URL to use, or null for AWS itself.</summary>
    public static string? Endpoint(Func<string, string?> environment)
    {
        if (First(environment, "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL") is { } url)
        {
            return url;
        }

        if (First(environment, "S3_ENDPOINT") is not { } tfEndpoint)
        {
            return null;
        }

        if (tfEndpoint.Contains("://", StringComparison.Ordinal))
        {
            return tfEndpoint;
        }

        var https = environment("S3_USE_HTTPS") is not ("0" or "false");
        return (https ? "https://" : "http://") + tfEndpoint;
    }

    private static string? First(Func<string, string?> environment, params string[] names) =>
        names.Select(environment).FirstOrDefault(v => !string.IsNullOrEmpty(v));
}
