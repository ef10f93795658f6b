using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace NServe.Core.Sources;

/// <summary>
/// A digest of every file under a version folder (relative path, size, modification time), following
/// symbolic links as Kubernetes volumes need and refusing only loops. Two equal digests taken a poll apart
/// mean the folder has stopped changing, so a version being copied in is never loaded half-written; a
/// different digest after a failed load means the files were fixed and the load is worth trying again.
/// </summary>
public static class FolderFingerprint
{
    public static string Compute(string folder)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var visited = new HashSet<string>(StringComparer.Ordinal);
        Walk(new DirectoryInfo(folder), "", hash, visited);
        return Convert.ToHexString(hash.GetHashAndReset());
    }

    private static void Walk(DirectoryInfo directory, string relative, IncrementalHash hash, HashSet<string> visited)
    {
        var real = RealPath(directory);
        if (!visited.Add(real))
        {
            throw new IOException($"Symbolic link loop at {directory.FullName}");
        }

        foreach (var entry in directory.EnumerateFileSystemInfos().OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            var name = relative.Length == 0 ? entry.Name : relative + "/" + entry.Name;
            var target = entry.LinkTarget is null ? entry : entry.ResolveLinkTarget(returnFinalTarget: true) ?? entry;
            if (!target.Exists)
            {
                Append(hash, $"{name}|dangling\n");
                continue;
            }

            if (target is DirectoryInfo subdirectory)
            {
                Append(hash, $"{name}/\n");
                Walk(subdirectory, name, hash, visited);
            }
            else if (target is FileInfo file)
            {
                Append(hash, string.Create(CultureInfo.InvariantCulture, $"{name}|{file.Length}|{file.LastWriteTimeUtc.Ticks}\n"));
            }
        }

        visited.Remove(real);
    }

    private static string RealPath(DirectoryInfo directory)
    {
        var resolved = directory.LinkTarget is null ? directory : directory.ResolveLinkTarget(returnFinalTarget: true) ?? directory;
        return Path.TrimEndingDirectorySeparator(resolved.FullName);
    }

    private static void Append(IncrementalHash hash, string text) => hash.AppendData(Encoding.UTF8.GetBytes(text));
}
