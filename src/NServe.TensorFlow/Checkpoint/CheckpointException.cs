using NServe.Core.Errors;

namespace NServe.TensorFlow.Checkpoint;

/// <summary>
/// A variables file that is missing, corrupt or holds something NServe cannot read. The message names the
/// file; <see cref="Code"/> is the status TensorFlow gives the same failure (NOT_FOUND for a missing file,
/// DATA_LOSS for corruption, UNIMPLEMENTED for a type NServe cannot hold) so a loader can pass it on.
/// </summary>
public sealed class CheckpointException : IOException
{
    public CheckpointException(StatusCode code, string filePath, string message, Exception? inner = null)
        : base(message, inner)
    {
        Code = code;
        FilePath = filePath;
    }

    public StatusCode Code { get; }

    /// <summary>The file at fault.</summary>
    public string FilePath { get; }

    internal static CheckpointException Corrupt(string filePath, string detail, Exception? inner = null) =>
        new(StatusCode.DataLoss, filePath, $"variables file {filePath} is corrupt: {detail}", inner);

    internal static CheckpointException Missing(string filePath, string what, Exception? inner = null) =>
        new(StatusCode.NotFound, filePath, $"{what} {filePath} is missing", inner);

    internal static CheckpointException Unreadable(string filePath, string what, Exception inner) =>
        new(inner is UnauthorizedAccessException ? StatusCode.PermissionDenied : StatusCode.Unavailable, filePath,
            $"{what} {filePath} cannot be read: {inner.Message}", inner);
}
