namespace NServe.Core.Sources;

/// <summary>
/// Where a model's version folders live: local disk or an object store. The file-system source lists
/// versions through it and, once a version has settled, asks for a local folder to load it from.
/// </summary>
public interface IModelStorage
{
    /// <summary>The base path as configured (a folder or a URI such as <c>s3://bucket/prefix</c>).</summary>
    string BasePath { get; }

    /// <summary>
    /// The numeric version folders under the base path, highest first. Throws
    /// <see cref="ModelStorageException"/> when the base path cannot be listed (missing, denied, unreachable).
    /// </summary>
    Task<IReadOnlyList<StoredVersion>> ListVersionsAsync(CancellationToken cancellationToken);

    /// <summary>A local folder holding <paramref name="version"/>'s files, complete (never half-written).</summary>
    Task<string> MaterializeAsync(StoredVersion version, CancellationToken cancellationToken);

    /// <summary>Removes local copies other than <paramref name="keep"/> (a no-op for local storage).</summary>
    void RemoveCopiesExcept(IReadOnlySet<string> keep);
}
