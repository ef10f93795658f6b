namespace NServe.Core.Sources;

/// <summary>
/// A version a source wants served, the folder it lives in, and a digest of the folder's files (null when
/// the source does not track contents) that tells the manager when a failed version's files have changed.
/// </summary>
public sealed record AspiredVersion(long Version, string Path, string? Fingerprint = null);
