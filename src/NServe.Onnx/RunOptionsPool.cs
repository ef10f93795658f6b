using System.Collections.Concurrent;
using Microsoft.ML.OnnxRuntime;

namespace NServe.Onnx;

/// <summary>
/// ORT <see cref="RunOptions"/> for reuse: creating one per run is a native allocation and a finalizable
/// handle on every request. Options that may have been told to terminate are never returned.
/// </summary>
internal static class RunOptionsPool
{
    private const int MaxPooled = 64;

    private static readonly ConcurrentQueue<RunOptions> Pool = new();
    private static int _count;

    public static RunOptions Rent()
    {
        if (Pool.TryDequeue(out var options))
        {
            Interlocked.Decrement(ref _count);
            return options;
        }

        return new RunOptions();
    }

    /// <summary>Takes <paramref name="options"/> back; <paramref name="maybeTerminated"/> disposes them instead.</summary>
    public static void Return(RunOptions options, bool maybeTerminated)
    {
        if (!maybeTerminated && Interlocked.Increment(ref _count) <= MaxPooled)
        {
            Pool.Enqueue(options);
            return;
        }

        if (!maybeTerminated)
        {
            Interlocked.Decrement(ref _count);
        }

        options.Dispose();
    }
}
