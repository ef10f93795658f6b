using System.Globalization;
using NServe.Bench.LoadTimes;
using NServe.Core.Servables;
using NServe.Onnx;
using NServe.TensorFlow;

// Load-time and load-memory figures for docs/performance.md (bench/load-times.sh runs them).
//   times --root=DIR [--rounds=5] [--largest=MODEL_DIR --onnx=FILE] MODEL_DIR...
//        per-model load time by phase (median of rounds); whole load of --largest against an ORT session from FILE
//   rss MODEL_DIR --share=on|off [--warm=MODEL_DIR]
//        RSS growth from loading MODEL_DIR once (after loading --warm, so ORT's own start-up is not counted)
//   write-shared DIR [--width=2048] [--signatures=4]
//        a SavedModel whose signatures all multiply by one [width, width] float weight
var options = args.Skip(1).Where(a => a.StartsWith("--", StringComparison.Ordinal))
    .Select(a => a[2..].Split('=', 2)).ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : "");
var positionals = args.Skip(1).Where(a => !a.StartsWith("--", StringComparison.Ordinal)).ToList();
string Option(string name, string fallback) => options.TryGetValue(name, out var value) ? value : fallback;
int IntOption(string name, int fallback) => int.Parse(Option(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);

switch (args.FirstOrDefault())
{
    case "times":
        LoadTimeTable.Print(positionals, Option("root", "/"), IntOption("rounds", 5), options.GetValueOrDefault("largest"), options.GetValueOrDefault("onnx"), Console.Out);
        return 0;

    case "rss" when positionals.Count == 1:
        {
            // As the server starts: large native blocks go to mmap and return to the OS when freed.
            NativeMemoryTrim.ConfigureForServing();
            var loader = new TensorFlowLoader(OnnxRuntimeOptions.Default) { ShareWeightsAcrossSignatures = Option("share", "on") == "on" };
            if (options.TryGetValue("warm", out var warm))
            {
                using var warmed = loader.Load(new ServableId("warm", 1), warm);
            }

            var before = ResidentMemory.AfterCollection();
            var managedBefore = ResidentMemory.ManagedCommitted();
            using var servable = loader.Load(new ServableId("bench", 1), positionals[0]);
            var after = ResidentMemory.AfterCollection();
            var managed = ResidentMemory.ManagedCommitted() - managedBefore;
            var (count, bytes) = servable.SharedWeightTotals;
            Console.WriteLine(FormattableString.Invariant(
                $"rss_growth_bytes={after - before} managed_growth_bytes={managed} shared_weights={count} shared_bytes={bytes}"));
            return 0;
        }

    case "write-shared" when positionals.Count == 1:
        SharedWeightModelWriter.Write(positionals[0], IntOption("width", 2048), IntOption("signatures", 4));
        Console.WriteLine($"wrote {Path.Combine(positionals[0], "saved_model.pb")}");
        return 0;

    default:
        Console.Error.WriteLine("usage: NServe.Bench.LoadTimes times|rss|write-shared ... (see Program.cs)");
        return 2;
}
