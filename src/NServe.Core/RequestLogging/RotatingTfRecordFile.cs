using System.Globalization;
using NServe.Core.Warmup;

namespace NServe.Core.RequestLogging;

/// <summary>
/// Appends records to <c>&lt;prefix&gt;.&lt;UTC start time&gt;.&lt;sequence&gt;.tfrecord</c> files, starting a new
/// file when the current one is full. Each record is flushed, so a file is readable while it grows.
/// Thread-safe.
/// </summary>
public sealed class RotatingTfRecordFile(string prefix, RequestLogOptions options, TimeProvider clock) : IDisposable
{
    private readonly Lock _gate = new();
    private readonly List<string> _paths = [];
    private readonly string _started = clock.GetUtcNow().ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
    private FileStream? _stream;
    private TfRecordWriter? _writer;
    private int _sequence;
    private bool _disposed;

    /// <summary>Files started so far, oldest first.</summary>
    public IReadOnlyList<string> Files
    {
        get
        {
            lock (_gate)
            {
                return _paths.ToList();
            }
        }
    }

    public void Append(ReadOnlySpan<byte> record)
    {
        lock (_gate)
        {
            // A request that picked this logger just before a config reload replaced it: its record is dropped.
            if (_disposed)
            {
                return;
            }

            if (_writer is null || _stream is null)
            {
                (_stream, var path) = CreateNext();
                _writer = new TfRecordWriter(_stream);
                _paths.Add(path);
            }

            _writer.Write(record);
            _writer.Flush();
            if (_writer.RecordsWritten >= options.MaxRecordsPerFile || _stream.Length >= options.MaxBytesPerFile)
            {
                CloseCurrent();
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            CloseCurrent();
        }
    }

    // Never overwrites: another logger with the same prefix (a config reload) may have started this second.
    private (FileStream Stream, string Path) CreateNext()
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(prefix));
        if (folder is not null)
        {
            Directory.CreateDirectory(folder);
        }

        while (true)
        {
            var path = $"{prefix}.{_started}.{_sequence++:D5}.tfrecord";
            try
            {
                return (new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read), path);
            }
            catch (IOException) when (File.Exists(path))
            {
            }
        }
    }

    private void CloseCurrent()
    {
        _writer?.Dispose();
        _writer = null;
        _stream = null;
    }
}
