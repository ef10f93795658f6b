using NServe.Core.Sources;

namespace NServe.Core.Tests.Sources;

public sealed class VersionFoldersTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("nserve-versions-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void NumericFoldersAreVersionsHighestFirstAndOthersAreIgnored()
    {
        foreach (var name in new[] { "00000123", "7", "notes", "12a", "1" })
        {
            Directory.CreateDirectory(Path.Combine(_root, name));
        }

        File.WriteAllText(Path.Combine(_root, "99"), "a file, not a folder");

        var versions = VersionFolders.List(_root);

        Assert.Equal([123L, 7L, 1L], versions.Select(v => v.Version));
        Assert.Equal(Path.Combine(_root, "00000123"), versions[0].Path);
    }

    [Fact]
    public void LatestPolicyKeepsTheHighestN()
    {
        var found = new[] { new AspiredVersion(3, "c"), new AspiredVersion(2, "b"), new AspiredVersion(1, "a") };
        Assert.Equal([3L], new LatestVersionsPolicy().Choose("m", found).Select(v => v.Version));
        Assert.Equal([3L, 2L], new LatestVersionsPolicy(2).Choose("m", found).Select(v => v.Version));
        Assert.Equal([3L], new LatestVersionsPolicy(0).Choose("m", found).Select(v => v.Version));
    }
}
