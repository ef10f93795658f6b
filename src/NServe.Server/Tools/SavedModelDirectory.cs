using NServe.TensorFlow.SavedModel;

namespace NServe.Server.Tools;

/// <summary>Checks the folder given to <c>nserve inspect</c>/<c>convert</c> before reading it, to say plainly what is wrong.</summary>
public static class SavedModelDirectory
{
    /// <summary>Null when <paramref name="directory"/> holds a SavedModel; else what is wrong, with a hint for a model base path.</summary>
    public static string? Problem(string directory)
    {
        if (!Directory.Exists(directory))
        {
            return $"SavedModel directory {directory} does not exist";
        }

        if (SavedModelFiles.IsSavedModel(directory) || SavedModelFiles.IsLegacySessionBundle(directory))
        {
            return null;
        }

        // A model base path: point at its version folders, as TF Serving serves those.
        var versions = Directory.EnumerateDirectories(directory)
            .Where(SavedModelFiles.IsSavedModel)
            .Select(Path.GetFileName)
            .Order(StringComparer.Ordinal)
            .ToList();
        return versions.Count > 0
            ? $"{directory} holds no {SavedModelFiles.BinaryFileName} or {SavedModelFiles.TextFileName}; it looks like a model base path, give one of its version folders: {string.Join(", ", versions.Select(v => Path.Combine(directory, v!)))}"
            : $"{directory} holds no {SavedModelFiles.BinaryFileName} or {SavedModelFiles.TextFileName}";
    }
}
