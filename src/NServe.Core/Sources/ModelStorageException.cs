namespace NServe.Core.Sources;

/// <summary>A base path that could not be listed or a version that could not be fetched, with the reason in words.</summary>
public sealed class ModelStorageException(string message, Exception? inner = null) : Exception(message, inner);
