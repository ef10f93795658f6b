using System.Reflection;

namespace NServe.EndToEnd.Tests.Infrastructure;

/// <summary>Where the server build, the repository and the shared test data are.</summary>
public static class TestPaths
{
    public static string ServerDll { get; } = Path.GetFullPath(Metadata("ServerDll"));

    public static string RepositoryRoot { get; } = Path.GetFullPath(Metadata("RepositoryRoot"));

    public static string Examples { get; } = Path.Combine(RepositoryRoot, "examples");

    /// <summary><c>../shared/testdata</c> beside the repository, or null when it is absent.</summary>
    public static string? SharedTestData
    {
        get
        {
            var path = Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "testdata"));
            return Directory.Exists(path) ? path : null;
        }
    }

    private static string Metadata(string key) =>
        typeof(TestPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
}
