using NServe.Core.Errors;
using NServe.Core.Sources;

namespace NServe.Storage;

/// <summary>A base path <c>s3://bucket/prefix</c> split into bucket and key prefix (no slashes at its ends).</summary>
public sealed record S3Location(string Bucket, string Prefix)
{
    public const string Scheme = "s3://";

    public static bool Matches(string basePath) => basePath.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase);

    public static S3Location Parse(string basePath)
    {
        if (!Matches(basePath))
        {
            throw new ModelStorageException($"{basePath} is not an s3:// path", code: StatusCode.InvalidArgument);
        }

        var rest = basePath[Scheme.Length..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var bucket = slash < 0 ? rest : rest[..slash];
        if (bucket.Length == 0)
        {
            throw new ModelStorageException($"{basePath} names no bucket (expected s3://bucket/prefix)", code: StatusCode.InvalidArgument);
        }

        return new S3Location(bucket, slash < 0 ? "" : rest[(slash + 1)..].Trim('/'));
    }

    /// <summary>The key prefix every object of the model starts with ("" for a whole bucket).</summary>
    public string KeyPrefix => Prefix.Length == 0 ? "" : Prefix + "/";
}
