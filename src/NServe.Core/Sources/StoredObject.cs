namespace NServe.Core.Sources;

/// <summary>
/// One object of a remote version folder: its key relative to the model's base prefix (<c>1/saved_model.pb</c>),
/// its size and its entity tag (or last-modified time), which change whenever it is rewritten.
/// </summary>
public sealed record StoredObject(string RelativeKey, long Size, string Tag);
