using System.Diagnostics;

namespace NServe.Bench.Load;

/// <summary>
/// A closed loop, as Triton's perf_analyzer runs it: <c>concurrency</c> workers, each sending its next
/// request as soon as the last one is answered, for a duration or a number of requests.
/// </summary>
internal static class LoadRunner
{
    public static async Task<LoadResult> RunAsync(IRequestSender sender, int concurrency, TimeSpan duration, long? requests)
    {
        using var stop = new CancellationTokenSource();
        long remaining = requests ?? long.MaxValue;
        long errors = 0;
        string? firstError = null;
        var perWorker = new List<long>[concurrency];
        var started = Stopwatch.GetTimestamp();
        var workers = Enumerable.Range(0, concurrency).Select(w => Task.Run(async () =>
        {
            var latencies = perWorker[w] = new List<long>(4096);
            while (!stop.IsCancellationRequested && Interlocked.Decrement(ref remaining) >= 0)
            {
                var begin = Stopwatch.GetTimestamp();
                string? error;
                try
                {
                    error = await sender.SendAsync(stop.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    break;
                }
                catch (Exception e) when (!stop.IsCancellationRequested)
                {
                    error = e.GetType().Name + ": " + e.Message;
                }
                catch (Exception)
                {
                    // Cut off by the end of the run.
                    break;
                }

                if (error is null)
                {
                    latencies.Add(Stopwatch.GetTimestamp() - begin);
                }
                else
                {
                    Interlocked.Increment(ref errors);
                    Interlocked.CompareExchange(ref firstError, error, null);
                }
            }
        })).ToArray();

        if (requests is null)
        {
            stop.CancelAfter(duration);
        }

        await Task.WhenAll(workers).ConfigureAwait(false);
        var elapsed = Stopwatch.GetElapsedTime(started);
        var all = perWorker.SelectMany(l => l).ToArray();
        Array.Sort(all);
        return new LoadResult(all, errors, elapsed, firstError);
    }
}
