namespace NServe.Fuzz;

/// <summary>
/// A per-process folder for targets whose component reads files (a checkpoint prefix, a SavedModel folder):
/// in shared memory when the machine has it, so writing each input costs little.
/// </summary>
internal static class ScratchDirectory
{
    public static string Create(string name)
    {
        var root = Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath();
        var path = Path.Combine(root, $"nserve-fuzz-{Environment.ProcessId}", name);
        Directory.CreateDirectory(path);
        return path;
    }
}
