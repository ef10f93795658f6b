namespace NServe.Core.Management;

/// <summary>How the manager loads and unloads (TF Serving's --num_load_threads / --num_unload_threads).</summary>
public sealed class ManagerOptions
{
    /// <summary>Versions loaded at once; TF Serving's 0 means "one at a time", as here.</summary>
    public int NumLoadThreads { get; init; }
}
