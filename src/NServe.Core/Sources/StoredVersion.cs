namespace NServe.Core.Sources;

/// <summary>
/// A numeric version folder found in a model's storage: where it lives there (a local folder or a remote
/// prefix), a digest of its contents (null when they could not be read this time, with the reason in
/// <paramref name="ReadError"/>), and for remote storage the objects it holds, so materializing it
/// downloads exactly what was listed.
/// </summary>
public sealed record StoredVersion(long Version, string Location, string? Fingerprint, IReadOnlyList<StoredObject>? Objects = null, string? ReadError = null);
