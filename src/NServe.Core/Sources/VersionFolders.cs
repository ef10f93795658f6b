using System.Globalization;

namespace NServe.Core.Sources;

/// <summary>
/// Finds the numeric version folders of a model's base path the way TF Serving does: a child whose name
/// parses as an int64 (<c>00000123</c> is 123) is a version; anything else is ignored.
/// </summary>
public static class VersionFolders
{
    /// <summary>Versions under <paramref name="basePath"/>, highest first; duplicates keep the later name.</summary>
    public static IReadOnlyList<AspiredVersion> List(string basePath)
    {
        var byVersion = new SortedDictionary<long, AspiredVersion>(Comparer<long>.Create((a, b) => b.CompareTo(a)));
        foreach (var child in Directory.EnumerateDirectories(basePath).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(child);
            if (long.TryParse(name.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var version) && version >= 0)
            {
                byVersion[version] = new AspiredVersion(version, child);
            }
        }

        return byVersion.Values.ToList();
    }
}
