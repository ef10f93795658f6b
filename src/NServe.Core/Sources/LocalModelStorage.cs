using NServe.Core.Errors;

namespace NServe.Core.Sources;

/// <summary>Version folders on local disk (or a mounted volume): loaded in place, nothing copied.</summary>
public sealed class LocalModelStorage(string basePath) : IModelStorage
{
    public string BasePath { get; } = basePath;

    public Task<IReadOnlyList<StoredVersion>> ListVersionsAsync(CancellationToken cancellationToken)
    {
        if (!Directory.Exists(BasePath))
        {
            throw new ModelStorageException($"Could not find base path {BasePath}", code: StatusCode.NotFound);
        }

        try
        {
            var found = VersionFolders.List(BasePath);
            var versions = new List<StoredVersion>(found.Count);
            foreach (var version in found)
            {
                versions.Add(Fingerprinted(version));
            }

            return Task.FromResult<IReadOnlyList<StoredVersion>>(versions);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ModelStorageException(
                $"Could not list base path {BasePath}: {ex.Message}",
                ex,
                ex is UnauthorizedAccessException ? StatusCode.PermissionDenied : StatusCode.Unavailable);
        }
    }

    public Task<string> MaterializeAsync(StoredVersion version, CancellationToken cancellationToken) => Task.FromResult(version.Location);

    public void RemoveCopiesExcept(IReadOnlySet<string> keep)
    {
    }

    // A folder that cannot be read this poll gets no fingerprint; the source keeps offering it as it was.
    private static StoredVersion Fingerprinted(AspiredVersion version)
    {
        try
        {
            return new StoredVersion(version.Version, version.Path, FolderFingerprint.Compute(version.Path));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new StoredVersion(version.Version, version.Path, null, ReadError: ex.Message);
        }
    }
}
