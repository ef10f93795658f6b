using System.Diagnostics;
using System.Globalization;
using NServe.Core.Batching;
using NServe.Core.Servables;
using NServe.Core.Tensors;

namespace NServe.Bench.Batching;

/// <summary>
/// Batching on versus off without a network in between: <c>concurrency</c> single-example callers in a
/// closed loop on the same servable, straight and through a <see cref="BatchingServable"/>.
/// </summary>
internal static class InProcessComparison
{
    public static async Task<(double Throughput, double P99Milliseconds)> RunAsync(IServable servable, ExampleInput input, int concurrency, TimeSpan duration)
    {
        var example = input.Values(1);

        using var stop = new CancellationTokenSource();
        var latencies = new List<long>[concurrency];
        var started = Stopwatch.GetTimestamp();
        var callers = Enumerable.Range(0, concurrency).Select(c => Task.Run(async () =>
        {
            var mine = latencies[c] = new List<long>(8192);
            while (!stop.IsCancellationRequested)
            {
                var begin = Stopwatch.GetTimestamp();
                var inputs = input.Inputs(1, example);
                using var x = inputs[input.Alias];
                var outputs = await servable.RunAsync(Signature.DefaultKey, inputs, null, CancellationToken.None).ConfigureAwait(false);
                foreach (var output in outputs.Values)
                {
                    output.Dispose();
                }

                mine.Add(Stopwatch.GetTimestamp() - begin);
            }
        })).ToArray();

        stop.CancelAfter(duration);
        await Task.WhenAll(callers).ConfigureAwait(false);
        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var all = latencies.SelectMany(l => l).Order().ToArray();
        var p99 = all[Math.Clamp((int)Math.Ceiling(0.99 * all.Length) - 1, 0, all.Length - 1)] * 1000.0 / Stopwatch.Frequency;
        return (all.Length / elapsed, p99);
    }

    public static string Format(string label, (double Throughput, double P99Milliseconds) result) =>
        string.Format(CultureInfo.InvariantCulture, "{0}: throughput={1:F1}/s p99={2:F3}ms", label, result.Throughput, result.P99Milliseconds);

    /// <summary>The batching options used when no parameters file is given.</summary>
    public static BatchingOptions DefaultOptions(int concurrency) => new()
    {
        MaxBatchSize = concurrency,
        MaxExecutionBatchSize = concurrency,
        BatchTimeoutMicros = 0,
        MaxEnqueuedBatches = 1000,
        NumBatchThreads = Environment.ProcessorCount,
    };
}
