namespace NServe.Core.Servables;

/// <summary>One version of one model.</summary>
public readonly record struct ServableId(string Name, long Version)
{
    public override string ToString() => $"{{name: {Name} version: {Version}}}";
}
