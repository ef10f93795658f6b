using NServe.Core.Errors;

namespace NServe.Core.Sources;

/// <summary>
/// A base path that could not be listed or a version that could not be fetched, with the reason in words and
/// a status code for the model's status (NOT_FOUND: bucket, container or folder missing; PERMISSION_DENIED /
/// UNAUTHENTICATED: access refused; UNAVAILABLE: the store could not be reached).
/// </summary>
public sealed class ModelStorageException(string message, Exception? inner = null, StatusCode code = StatusCode.Unavailable) : Exception(message, inner)
{
    public StatusCode Code { get; } = code;
}
