using Microsoft.Win32.SafeHandles;

namespace NServe.TensorFlow.Checkpoint;

/// <summary>
/// The data shards of a tensor bundle, <c>&lt;prefix&gt;.data-00000-of-00002</c> and so on, opened on first use
/// and read at offsets (no shared file position, so reads from several threads are safe).
/// </summary>
internal sealed class BundleDataFiles : IDisposable
{
    private readonly string _prefix;
    private readonly int _shardCount;
    private readonly Dictionary<int, SafeFileHandle> _handles = [];
    private readonly Lock _openLock = new();
    private bool _disposed;

    public BundleDataFiles(string prefix, int shardCount)
    {
        _prefix = prefix;
        _shardCount = shardCount;
    }

    /// <summary>TensorFlow's naming: <c>prefix.data-%05d-of-%05d</c>.</summary>
    public static string PathOf(string prefix, int shardId, int shardCount) =>
        $"{prefix}.data-{shardId:D5}-of-{shardCount:D5}";

    public string PathOf(int shardId) => PathOf(_prefix, shardId, _shardCount);

    public long LengthOf(int shardId) => RandomAccess.GetLength(Handle(shardId));

    /// <summary>Fills <paramref name="destination"/> from <paramref name="offset"/>; <paramref name="what"/> names the tensor in errors.</summary>
    public void Read(int shardId, long offset, Span<byte> destination, string what)
    {
        var handle = Handle(shardId);
        var done = 0;
        while (done < destination.Length)
        {
            var read = RandomAccess.Read(handle, destination[done..], offset + done);
            if (read == 0)
            {
                throw CheckpointException.Corrupt(
                    PathOf(shardId),
                    $"it ends at byte {offset + done}, before the end of {what} (bytes {offset} to {offset + destination.Length}); the file is truncated");
            }

            done += read;
        }
    }

    private SafeFileHandle Handle(int shardId)
    {
        lock (_openLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_handles.TryGetValue(shardId, out var opened))
            {
                return opened;
            }

            var path = PathOf(shardId);
            try
            {
                opened = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.RandomAccess);
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
            {
                throw CheckpointException.Missing(path, "variables data file", e);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw CheckpointException.Unreadable(path, "variables data file", e);
            }

            _handles[shardId] = opened;
            return opened;
        }
    }

    public void Dispose()
    {
        lock (_openLock)
        {
            _disposed = true;
            foreach (var handle in _handles.Values)
            {
                handle.Dispose();
            }

            _handles.Clear();
        }
    }
}
