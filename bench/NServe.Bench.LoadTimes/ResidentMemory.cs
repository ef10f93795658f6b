namespace NServe.Bench.LoadTimes;

/// <summary>The process's resident set size, from /proc/self/status (Linux).</summary>
public static class ResidentMemory
{
    public static long Bytes()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), System.Globalization.CultureInfo.InvariantCulture) * 1024;
            }
        }

        throw new PlatformNotSupportedException("no VmRSS in /proc/self/status");
    }

    /// <summary>
    /// RSS after a full, compacting collection and a malloc_trim, as the server trims after unloads, so managed
    /// garbage and freed native heap pages do not count.
    /// </summary>
    public static long AfterCollection()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        NServe.Onnx.NativeMemoryTrim.AfterUnload();
        return Bytes();
    }

    /// <summary>Bytes the managed heap has committed (part of RSS, but not ORT's).</summary>
    public static long ManagedCommitted() => GC.GetGCMemoryInfo(GCKind.Any).TotalCommittedBytes;
}
