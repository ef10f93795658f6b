using System.Diagnostics;
using NServe.Core.Servables;
using NServe.Core.Tensors;

namespace NServe.Bench.Batching;

/// <summary>
/// How long one batch of a model takes to compute on its own (the "one batch's compute" of the p99 target):
/// the servable runs a batch of examples back to back, and the median and p90 of the runs are reported, with
/// the process's CPU time per run (above the wall time when ORT's intra-op threads share the work).
/// </summary>
internal static class BatchComputeTime
{
    public static async Task<(double MedianMilliseconds, double P90Milliseconds, double CpuMilliseconds)> MeasureAsync(IServable servable, ExampleInput input, int batch, int runs)
    {
        var values = input.Values(batch);
        var cpuBefore = TimeSpan.Zero;

        var times = new double[runs];
        for (var run = -3; run < runs; run++)
        {
            if (run == 0)
            {
                cpuBefore = Environment.CpuUsage.TotalTime;
            }

            var inputs = input.Inputs(batch, values);
            using var x = inputs[input.Alias];
            var begin = Stopwatch.GetTimestamp();
            var outputs = await servable.RunAsync(Signature.DefaultKey, inputs, null, CancellationToken.None).ConfigureAwait(false);
            var elapsed = Stopwatch.GetElapsedTime(begin).TotalMilliseconds;
            foreach (var output in outputs.Values)
            {
                output.Dispose();
            }

            // The first runs warm ORT up and are not counted.
            if (run >= 0)
            {
                times[run] = elapsed;
            }
        }

        var cpu = (Environment.CpuUsage.TotalTime - cpuBefore).TotalMilliseconds / runs;
        Array.Sort(times);
        return (times[runs / 2], times[Math.Min(runs - 1, (int)(runs * 0.9))], cpu);
    }
}
