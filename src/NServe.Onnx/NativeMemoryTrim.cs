using System.Runtime.InteropServices;

namespace NServe.Onnx;

/// <summary>
/// Keeps native memory from growing as model versions come and go. glibc raises its mmap threshold after
/// the first large free, so later model-sized blocks land in its heaps and are kept after the model is
/// unloaded; over many swaps the process grows, the memory growth TF Serving's users complain of. Fixing
/// the threshold sends large blocks (weights, arenas) to mmap, which returns them to the OS on free, and a
/// trim after each unload hands back what the heaps still hold.
/// </summary>
public static partial class NativeMemoryTrim
{
    private const int MallocMmapThreshold = -3;
    private const int MmapThresholdBytes = 1 << 20;

    /// <summary>Call once at startup, before models load.</summary>
    public static void ConfigureForServing()
    {
        if (OperatingSystem.IsLinux())
        {
            Call(() => Mallopt(MallocMmapThreshold, MmapThresholdBytes));
        }
    }

    /// <summary>Call after a model's native memory has been released.</summary>
    public static void AfterUnload()
    {
        if (OperatingSystem.IsLinux())
        {
            Call(() => MallocTrim(0));
        }
    }

    private static void Call(Func<int> glibcCall)
    {
        try
        {
            _ = glibcCall();
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            // Not glibc (e.g. musl): it manages its memory its own way.
        }
    }

    [LibraryImport("libc", EntryPoint = "malloc_trim")]
    private static partial int MallocTrim(nuint pad);

    [LibraryImport("libc", EntryPoint = "mallopt")]
    private static partial int Mallopt(int parameter, int value);
}
