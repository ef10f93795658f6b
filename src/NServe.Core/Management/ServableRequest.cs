namespace NServe.Core.Management;

/// <summary>
/// Which version of a model a request wants: the latest, a specific number, or a label. Printed the way
/// TF Serving prints it in "Servable not found for request: Latest(name)".
/// </summary>
public readonly record struct ServableRequest(string Name, long? Version = null, string? Label = null)
{
    public static ServableRequest Latest(string name) => new(name);

    public static ServableRequest Specific(string name, long version) => new(name, version);

    public override string ToString() => Version is { } v ? $"Specific({Name}, {v})" : $"Latest({Name})";
}
