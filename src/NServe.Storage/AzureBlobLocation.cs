using NServe.Core.Errors;
using NServe.Core.Sources;

namespace NServe.Storage;

/// <summary>
/// An Azure Blob base path: <c>az://account/container/prefix</c>, or the blob URL
/// <c>https://account.blob.core.windows.net/container/prefix</c>. <see cref="ServiceUri"/> is null for the
/// <c>az://</c> form, whose endpoint comes from the connection string or the account name.
/// </summary>
public sealed record AzureBlobLocation(string Account, string Container, string Prefix, Uri? ServiceUri)
{
    public const string Scheme = "az://";
    private const string BlobHostSuffix = ".blob.core.windows.net";

    public static bool Matches(string basePath) =>
        basePath.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase)
        || (Uri.TryCreate(basePath, UriKind.Absolute, out var uri)
            && uri.Scheme == Uri.UriSchemeHttps
            && uri.Host.EndsWith(BlobHostSuffix, StringComparison.OrdinalIgnoreCase));

    public static AzureBlobLocation Parse(string basePath)
    {
        if (basePath.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            var parts = basePath[Scheme.Length..].Split('/', 3);
            if (parts.Length < 2 || parts[0].Length == 0 || parts[1].Length == 0)
            {
                throw new ModelStorageException($"{basePath} must name an account and a container (az://account/container/prefix)", code: StatusCode.InvalidArgument);
            }

            return new AzureBlobLocation(parts[0], parts[1], parts.Length > 2 ? parts[2].Trim('/') : "", null);
        }

        if (!Matches(basePath))
        {
            throw new ModelStorageException($"{basePath} is not an Azure Blob path", code: StatusCode.InvalidArgument);
        }

        var url = new Uri(basePath);
        var segments = url.AbsolutePath.Trim('/').Split('/', 2);
        if (segments[0].Length == 0)
        {
            throw new ModelStorageException($"{basePath} names no container (https://account{BlobHostSuffix}/container/prefix)", code: StatusCode.InvalidArgument);
        }

        var account = url.Host[..^BlobHostSuffix.Length];
        return new AzureBlobLocation(account, segments[0], segments.Length > 1 ? Uri.UnescapeDataString(segments[1]).Trim('/') : "", new Uri($"https://{url.Authority}"));
    }

    /// <summary>The blob name prefix every object of the model starts with ("" for a whole container).</summary>
    public string NamePrefix => Prefix.Length == 0 ? "" : Prefix + "/";
}
