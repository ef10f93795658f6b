namespace NServe.Core.Sources;

/// <summary>A version a source wants served, and the folder it lives in.</summary>
public sealed record AspiredVersion(long Version, string Path);
