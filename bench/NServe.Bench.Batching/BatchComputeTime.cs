using System.Diagnostics;
using NServe.Core.Servables;
using NServe.Core.Tensors;

namespace NServe.Bench.Batching;

/// <summary>
/// How long one batch of the MLP takes to compute on its own (the "one batch's compute" of the p99 target):
/// the servable runs a [batch, 784] input back to back, and the median and p90 of the runs are reported.
/// </summary>
internal static class BatchComputeTime
{
    public static async Task<(double MedianMilliseconds, double P90Milliseconds)> MeasureAsync(IServable servable, int batch, int runs)
    {
        var values = new float[batch * MlpModel.Inputs];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = (i % 97) / 97f;
        }

        var times = new double[runs];
        for (var run = -3; run < runs; run++)
        {
            using var x = Tensor.FromValues<float>(TensorDataType.Float, [batch, MlpModel.Inputs], values);
            var inputs = new Dictionary<string, Tensor>(StringComparer.Ordinal) { ["x"] = x };
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

        Array.Sort(times);
        return (times[runs / 2], times[Math.Min(runs - 1, (int)(runs * 0.9))]);
    }
}
