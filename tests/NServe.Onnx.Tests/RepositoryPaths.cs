namespace NServe.Onnx.Tests;

/// <summary>Finds the repository root: the folder holding NServe.slnx above the test assembly.</summary>
internal static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "NServe.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no NServe.slnx above {AppContext.BaseDirectory}");
    }
}
