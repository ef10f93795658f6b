using System.Security.Cryptography;
using System.Text;

namespace NServe.Core.Sources;

/// <summary>
/// Chooses a model's storage from its base path: a registered remote store (<c>s3://</c>, <c>az://</c>, an
/// Azure blob endpoint) when one accepts the path, otherwise a local folder. Remote stores keep their
/// copies under <see cref="CacheRoot"/>, one folder per model and base path.
/// </summary>
public sealed class ModelStorageRegistry(string cacheRoot)
{
    private readonly List<(Func<string, bool> Matches, Func<string, string, IModelStorage> Create)> _stores = [];

    /// <summary>A registry for local folders only, its cache under the temporary folder.</summary>
    public ModelStorageRegistry()
        : this(Path.Combine(Path.GetTempPath(), "nserve-model-cache"))
    {
    }

    /// <summary>Where copies of remote versions are kept (<c>--model_cache_dir</c>).</summary>
    public string CacheRoot { get; } = cacheRoot;

    /// <summary>
    /// Adds a store for base paths that <paramref name="matches"/> accepts; <paramref name="create"/> gets the
    /// base path and the cache folder of the model. Later registrations win.
    /// </summary>
    public ModelStorageRegistry Register(Func<string, bool> matches, Func<string, string, IModelStorage> create)
    {
        _stores.Insert(0, (matches, create));
        return this;
    }

    /// <summary>True when <paramref name="basePath"/> names a registered remote store.</summary>
    public bool IsRemote(string basePath) => _stores.Any(s => s.Matches(basePath));

    public IModelStorage Create(string model, string basePath)
    {
        foreach (var (matches, create) in _stores)
        {
            if (matches(basePath))
            {
                return create(basePath, Path.Combine(CacheRoot, CacheFolderName(model, basePath)));
            }
        }

        return new LocalModelStorage(basePath);
    }

    // Readable, and distinct for every (model, base path): two models never clean up each other's copies.
    private static string CacheFolderName(string model, string basePath)
    {
        var readable = new StringBuilder();
        foreach (var c in model.Length > 40 ? model[..40] : model)
        {
            readable.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '.' ? c : '_');
        }

        var digest = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(model + "\n" + basePath)))[..16];
        return readable + "-" + digest;
    }
}
