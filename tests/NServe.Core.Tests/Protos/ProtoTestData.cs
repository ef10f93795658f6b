namespace NServe.Core.Tests.Protos;

/// <summary>
/// Finds <c>../shared/testdata</c> beside the repository root (the folder holding NServe.slnx): real files written
/// by TensorFlow. Null when absent; tests that need it are skipped with <see cref="SkipReason"/>.
/// </summary>
internal static class ProtoTestData
{
    public const string SkipReason = "../shared/testdata (real TensorFlow SavedModels) is absent beside the repository";

    private static readonly Lazy<string?> RootPath = new(FindRoot);

    public static string? Root => RootPath.Value;

    public static string Path(params string[] parts) =>
        System.IO.Path.Combine([Root ?? throw new InvalidOperationException(SkipReason), .. parts]);

    /// <summary>Every binary saved_model.pb in the test data, relative to its root, in a stable order.</summary>
    public static IEnumerable<string> SavedModelPaths() => Root is null
        ? []
        : Directory.EnumerateFiles(Root, "saved_model.pb", SearchOption.AllDirectories)
            .Select(f => System.IO.Path.GetRelativePath(Root, f))
            .Order(StringComparer.Ordinal);

    /// <summary><see cref="SavedModelPaths"/> as theory data.</summary>
    public static TheoryData<string> SavedModelFiles() => new(SavedModelPaths());

    private static string? FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "NServe.slnx")))
            {
                var candidate = System.IO.Path.GetFullPath(System.IO.Path.Combine(dir.FullName, "..", "shared", "testdata"));
                return Directory.Exists(candidate) ? candidate : null;
            }
        }

        return null;
    }
}
