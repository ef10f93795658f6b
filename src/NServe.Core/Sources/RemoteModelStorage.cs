using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace NServe.Core.Sources;

/// <summary>
/// An object store holding version folders as key prefixes (<c>base/1/saved_model.pb</c>). A store lists
/// the objects under the base prefix and downloads one object; this class groups them into versions,
/// fingerprints each version from its keys, sizes and tags, and keeps a local copy of a version in a
/// cache folder named by version and fingerprint. A copy is downloaded into a temporary folder and renamed
/// into place, so a folder under its final name is always complete.
/// </summary>
public abstract class RemoteModelStorage : IModelStorage
{
    private const string PartialSuffix = ".partial-";
    private readonly string _cacheFolder;

    /// <param name="basePath">The configured URI.</param>
    /// <param name="cacheFolder">A folder of this model's own where copies of its versions are kept.</param>
    protected RemoteModelStorage(string basePath, string cacheFolder)
    {
        BasePath = basePath;
        _cacheFolder = cacheFolder;
    }

    public string BasePath { get; }

    /// <summary>Every object under the base prefix, keys relative to it; throws <see cref="ModelStorageException"/>.</summary>
    protected abstract Task<IReadOnlyList<StoredObject>> ListObjectsAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Writes <paramref name="item"/> to <paramref name="destination"/>; fails with
    /// <see cref="ModelStorageException"/> when the object is gone or is no longer the one listed.
    /// </summary>
    protected abstract Task DownloadObjectAsync(StoredObject item, Stream destination, CancellationToken cancellationToken);

    public async Task<IReadOnlyList<StoredVersion>> ListVersionsAsync(CancellationToken cancellationToken)
    {
        var objects = await ListObjectsAsync(cancellationToken).ConfigureAwait(false);
        var byVersion = new SortedDictionary<long, (string Folder, List<StoredObject> Objects)>(Comparer<long>.Create((a, b) => b.CompareTo(a)));
        foreach (var item in objects)
        {
            var slash = item.RelativeKey.IndexOf('/', StringComparison.Ordinal);
            if (slash <= 0)
            {
                continue;
            }

            var folder = item.RelativeKey[..slash];
            if (!long.TryParse(folder.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var version) || version < 0)
            {
                continue;
            }

            // Two folders for one version (1 and 001): keep the later name, as VersionFolders does.
            if (!byVersion.TryGetValue(version, out var entry) || string.CompareOrdinal(folder, entry.Folder) > 0)
            {
                entry = (folder, []);
                byVersion[version] = entry;
            }

            if (entry.Folder == folder)
            {
                entry.Objects.Add(item);
            }
        }

        return byVersion
            .Select(pair => new StoredVersion(pair.Key, pair.Value.Folder, Fingerprint(pair.Value.Objects), pair.Value.Objects))
            .ToList();
    }

    public async Task<string> MaterializeAsync(StoredVersion version, CancellationToken cancellationToken)
    {
        var objects = version.Objects ?? throw new ArgumentException("A remote version carries its object list.", nameof(version));
        var final = Path.Combine(_cacheFolder, CopyName(version));
        if (Directory.Exists(final))
        {
            return final;
        }

        var partial = final + PartialSuffix + Guid.NewGuid().ToString("N");
        Directory.CreateDirectory(partial);
        try
        {
            var prefix = version.Location + "/";
            foreach (var item in objects)
            {
                var relative = item.RelativeKey[prefix.Length..];
                if (relative.Length == 0 || relative.EndsWith('/'))
                {
                    continue; // a folder marker, not a file
                }

                var target = Path.GetFullPath(Path.Combine(partial, relative));
                if (!target.StartsWith(partial + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                {
                    throw new ModelStorageException($"Object {item.RelativeKey} under {BasePath} escapes its version folder", code: Errors.StatusCode.InvalidArgument);
                }

                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                var file = new FileStream(target, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
                await using (file.ConfigureAwait(false))
                {
                    await DownloadObjectAsync(item, file, cancellationToken).ConfigureAwait(false);
                }
            }

            Directory.Move(partial, final);
            return final;
        }
        catch
        {
            TryDelete(partial);
            throw;
        }
    }

    public void RemoveCopiesExcept(IReadOnlySet<string> keep)
    {
        if (!Directory.Exists(_cacheFolder))
        {
            return;
        }

        foreach (var folder in Directory.EnumerateDirectories(_cacheFolder))
        {
            if (!keep.Contains(folder))
            {
                TryDelete(folder);
            }
        }
    }

    private static string CopyName(StoredVersion version) =>
        string.Create(CultureInfo.InvariantCulture, $"{version.Version}-{version.Fingerprint?[..16]}");

    private static string Fingerprint(IEnumerable<StoredObject> objects)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var item in objects.OrderBy(o => o.RelativeKey, StringComparer.Ordinal))
        {
            hash.AppendData(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{item.RelativeKey}|{item.Size}|{item.Tag}\n")));
        }

        return Convert.ToHexString(hash.GetHashAndReset());
    }

    private static void TryDelete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Retried at the next poll's cleanup.
        }
    }
}
