using System.Diagnostics;
using NServe.Core.Errors;
using NServe.Core.Servables;
using NServe.Onnx;
using NServe.TensorFlow;

namespace NServe.Bench.LoadTimes;

/// <summary>
/// Load time of each SavedModel through <see cref="TensorFlowLoader"/> (median of several loads, by phase),
/// and for one model the ratio of NServe's whole load to creating an ORT session from its converted .onnx
/// file alone, the two timed in alternating rounds.
/// </summary>
public static class LoadTimeTable
{
    public static void Print(IReadOnlyList<string> models, string root, int rounds, string? largest, string? onnxFile, TextWriter output)
    {
        // The first loads pay for JIT and ORT's start-up; they are not timed.
        foreach (var model in models)
        {
            TryLoad(LoaderFor(model), model, out _);
        }

        output.WriteLine($"| model | signatures run | read | prepare | convert | sessions | **total** |");
        output.WriteLine("|---|---|---|---|---|---|---|");
        foreach (var model in models)
        {
            var name = Path.GetRelativePath(root, model);
            var modelLoader = LoaderFor(model);
            var timings = new List<TensorFlowLoadTimings>();
            var signatures = 0;
            string? error = null;
            for (var i = 0; i < rounds && error is null; i++)
            {
                if (TryLoad(modelLoader, model, out var loaded) is { } result)
                {
                    timings.Add(result.Timings);
                    signatures = result.Signatures;
                }
                else
                {
                    error = loaded;
                }
            }

            if (error is not null)
            {
                output.WriteLine($"| {name} | fails to load: {Shorten(error)} | | | | | |");
                continue;
            }

            double Ms(Func<TensorFlowLoadTimings, TimeSpan> phase) => Median.Of(timings.Select(t => phase(t).TotalMilliseconds));
            output.WriteLine(
                $"| {name} | {signatures} | {Ms(t => t.Read):F1} ms | {Ms(t => t.Prepare):F1} ms | {Ms(t => t.Convert):F1} ms | " +
                $"{Ms(t => t.Sessions):F1} ms | **{Ms(t => t.Total):F1} ms** |");
        }

        if (largest is not null && onnxFile is not null)
        {
            PrintRatio(LoaderFor(largest), largest, root, onnxFile, rounds, output);
        }
    }

    private static void PrintRatio(TensorFlowLoader loader, string model, string root, string onnxFile, int rounds, TextWriter output)
    {
        var whole = new List<double>();
        var alone = new List<double>();
        for (var i = 0; i < rounds; i++)
        {
            // A B, then B A: neither side always runs on a cooler or warmer machine.
            if (i % 2 == 0)
            {
                whole.Add(TimeLoad(loader, model));
                alone.Add(TimeSession(onnxFile));
            }
            else
            {
                alone.Add(TimeSession(onnxFile));
                whole.Add(TimeLoad(loader, model));
            }
        }

        var ratios = whole.Zip(alone, (w, a) => w / a).ToList();
        output.WriteLine();
        output.WriteLine($"{Path.GetRelativePath(root, model)}, {rounds} alternating rounds:");
        output.WriteLine();
        output.WriteLine("| | median |");
        output.WriteLine("|---|---|");
        output.WriteLine($"| NServe's whole load (read + prepare + convert + sessions) | {Median.Of(whole):F1} ms |");
        output.WriteLine($"| ORT session from the converted .onnx file alone | {Median.Of(alone):F1} ms |");
        output.WriteLine($"| **ratio** | **{Median.Of(ratios):F2}** (rounds {ratios.Min():F2}–{ratios.Max():F2}) |");
    }

    /// <summary>
    /// A loader for the model's MetaGraph: <c>serve</c>, or the tags of its only MetaGraph when none is tagged
    /// serve (<c>train,serve</c>, or none for TF-Hub v1 modules), as its golden file states them.
    /// </summary>
    private static TensorFlowLoader LoaderFor(string model)
    {
        var tags = "serve";
        try
        {
            var metaGraphs = NServe.TensorFlow.SavedModel.SavedModelReader.Read(model).MetaGraphs;
            if (metaGraphs.Count == 1 && metaGraphs[0].MetaInfoDef?.Tags is { } only && !(only.Count == 1 && only[0] == "serve"))
            {
                tags = string.Join(",", only);
            }
        }
        catch (ServingException)
        {
            // The load reports it.
        }

        return new TensorFlowLoader(OnnxRuntimeOptions.Default, tags);
    }

    private static double TimeLoad(TensorFlowLoader loader, string model)
    {
        using var servable = loader.Load(new ServableId("bench", 1), model);
        return servable.LoadTimings.Total.TotalMilliseconds;
    }

    private static double TimeSession(string onnxFile)
    {
        var clock = Stopwatch.StartNew();
        using var session = OnnxSessionFactory.FromFile(onnxFile, OnnxRuntimeOptions.Default);
        return clock.Elapsed.TotalMilliseconds;
    }

    private static (TensorFlowLoadTimings Timings, int Signatures)? TryLoad(TensorFlowLoader loader, string model, out string? error)
    {
        try
        {
            using var servable = loader.Load(new ServableId("bench", 1), model);
            error = null;
            var runnable = servable.SignatureDefs.Values.Count(NServe.TensorFlow.SavedModel.SavedModelBundle.FetchesTensors);
            return (servable.LoadTimings, runnable);
        }
        catch (ServingException e)
        {
            error = e.Message;
            return null;
        }
    }

    private static string Shorten(string message)
    {
        var line = message.ReplaceLineEndings(" ").Replace("|", "/", StringComparison.Ordinal);
        return line.Length <= 90 ? line : line[..87] + "...";
    }
}
