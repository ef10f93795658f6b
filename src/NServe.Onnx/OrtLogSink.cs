using System.Collections.Concurrent;
using Microsoft.ML.OnnxRuntime;

namespace NServe.Onnx;

/// <summary>
/// ORT's log goes through here instead of ORT's own stderr writer, so that the node placement report of a
/// session being created (verbose level, under that session's log id) can be read. Everything else at warning
/// or above is written to stderr as ORT would; verbose messages of a capturing session are dropped.
/// </summary>
internal static class OrtLogSink
{
    private static readonly ConcurrentDictionary<string, NodePlacement.Builder> Captures = new(StringComparer.Ordinal);
    private static long _nextCapture;

    /// <summary>Kept in a static field: ORT calls it from native code for the life of the process.</summary>
    public static DOrtLoggingFunction Function { get; } = Log;

    /// <summary>True once the process's ORT environment was created with <see cref="Function"/>.</summary>
    public static bool IsInstalled { get; set; }

    /// <summary>A fresh session log id whose messages feed <paramref name="placement"/> until <see cref="EndCapture"/>.</summary>
    public static string BeginCapture(out NodePlacement.Builder placement)
    {
        placement = new NodePlacement.Builder();
        var logId = $"nserve-session-{Interlocked.Increment(ref _nextCapture)}";
        Captures[logId] = placement;
        return logId;
    }

    public static void EndCapture(string logId) => Captures.TryRemove(logId, out _);

    private static void Log(IntPtr param, OrtLoggingLevel severity, string category, string logId, string codeLocation, string message)
    {
        try
        {
            if (Captures.TryGetValue(logId, out var placement))
            {
                placement.Add(message);
            }

            if (severity >= OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING)
            {
                var letter = severity switch
                {
                    OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING => 'W',
                    OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR => 'E',
                    _ => 'F',
                };
                Console.Error.WriteLine($"{DateTime.UtcNow:yyyy-MM-dd HH:mm:ss.fff} [{letter}:{category}:{logId}, {codeLocation}] {message}");
            }
        }
        catch (Exception)
        {
            // An exception must not unwind into ORT's native frames; a lost log line is the lesser harm.
        }
    }
}
