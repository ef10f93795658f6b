namespace NServe.Storage.Tests.Infrastructure;

/// <summary>A fresh bucket or container on a local emulator, the base path naming it, and the environment that reaches it.</summary>
public abstract class TestStore
{
    public abstract string BasePath { get; }

    public abstract IReadOnlyDictionary<string, string> Environment { get; }

    /// <summary>Writes one object at <paramref name="relativeKey"/> under the base path.</summary>
    public abstract Task PutAsync(string relativeKey, byte[] content);

    /// <summary>Deletes every object whose key under the base path starts with <paramref name="relativePrefix"/>.</summary>
    public abstract Task DeleteAsync(string relativePrefix);

    /// <summary>Deletes the bucket or container itself, objects and all.</summary>
    public abstract Task DeleteStoreAsync();

    /// <summary>Creates the bucket or container again after <see cref="DeleteStoreAsync"/>.</summary>
    public abstract Task CreateStoreAsync();

    public string? Lookup(string name) => Environment.TryGetValue(name, out var value) ? value : null;
}
