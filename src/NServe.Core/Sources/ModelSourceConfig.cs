namespace NServe.Core.Sources;

/// <summary>One model a file-system source watches: its name, base path, platform and version policy.</summary>
public sealed record ModelSourceConfig(string Name, string BasePath, string? Platform, IVersionPolicy Policy);
