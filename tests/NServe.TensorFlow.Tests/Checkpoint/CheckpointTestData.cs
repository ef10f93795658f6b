namespace NServe.TensorFlow.Tests.Checkpoint;

/// <summary>
/// Finds <c>../shared/testdata</c> beside the repository root (the folder holding NServe.slnx), where the real
/// TensorFlow SavedModels live; null when it is absent, and the tests that need it are skipped.
/// </summary>
internal static class CheckpointTestData
{
    public const string SkipReason = "../shared/testdata (real TensorFlow SavedModels) is absent beside the repository";

    private static readonly Lazy<string?> RootPath = new(FindRoot);

    public static string? Root => RootPath.Value;

    public static string Path(params string[] parts) =>
        System.IO.Path.Combine([Root ?? throw new InvalidOperationException(SkipReason), .. parts]);

    /// <summary>Every <c>variables/variables</c> prefix under tfserving/ and savedmodels/, relative to the root.</summary>
    public static IEnumerable<string> VariablePrefixes()
    {
        if (Root is null)
        {
            return [];
        }

        return Directory.EnumerateFiles(Root, "variables.index", SearchOption.AllDirectories)
            .Select(index => System.IO.Path.GetRelativePath(Root, index[..^".index".Length]))
            .Order(StringComparer.Ordinal);
    }

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
