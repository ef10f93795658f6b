using NServe.Core.Servables;

namespace NServe.Core.Management;

/// <summary>
/// A request's hold on one loaded version. Dispose it when the request is done; until then the version
/// stays loaded even if a newer one replaces it.
/// </summary>
public sealed class ServableHandle : IDisposable
{
    private LoadedServable? _loaded;

    internal ServableHandle(LoadedServable loaded)
    {
        _loaded = loaded;
        Servable = loaded.Servable;
    }

    public IServable Servable { get; }

    public ServableId Id => Servable.Id;

    public void Dispose() => Interlocked.Exchange(ref _loaded, null)?.Release();
}
