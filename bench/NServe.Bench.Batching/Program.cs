using System.Globalization;
using NServe.Bench.Batching;
using NServe.Core.Batching;

// Batching benchmarks. MODEL is an .onnx file or a SavedModel folder (converted as the server does) whose
// default signature has one float input of known shape after the batch dimension.
//   write-mlp DIR [--hidden=512]
//                            writes DIR/mlp/1/model.onnx (MLP 784-H-H-10) and DIR/mlp_request.json
//   write-body MODEL FILE    writes a one-example REST body for MODEL to FILE
//   compare MODEL [--concurrency=64] [--duration=10] [--batching_parameters_file=F] [--intra_op=N] [--spin=0|1 (default 0)]
//                            in-process: single-example callers on the ORT servable, unbatched then batched
//   batch-time MODEL [--batch=64] [--runs=50] [--intra_op=N] [--spin=0|1 (default 0)]
//                            one batch's compute time alone (median and p90 of back-to-back runs)
const string Usage = "usage: NServe.Bench.Batching write-mlp DIR [--hidden=512] | write-body MODEL FILE"
    + " | compare MODEL [--concurrency=64] [--duration=10] [--batching_parameters_file=F] [--intra_op=N] [--spin=0|1 (default 0)]"
    + " | batch-time MODEL [--batch=64] [--runs=50] [--intra_op=N] [--spin=0|1 (default 0)]";
if (args.Length < 2)
{
    Console.Error.WriteLine(Usage);
    return 2;
}

var options = new Dictionary<string, string>(StringComparer.Ordinal);
foreach (var arg in args.Skip(args[0] == "write-body" ? 3 : 2))
{
    var parts = arg.TrimStart('-').Split('=', 2);
    if (parts.Length != 2)
    {
        Console.Error.WriteLine($"unknown argument {arg}");
        return 2;
    }

    options[parts[0]] = parts[1];
}

int Int(string name, int fallback) => options.TryGetValue(name, out var text) ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;
var intraOp = Int("intra_op", 0);
// Spinning off by default, as the server runs with --enable_batching (--ort_thread_spinning=auto).
var spin = Int("spin", 0) != 0;

switch (args[0])
{
    case "write-mlp":
        {
            var modelPath = Path.Combine(args[1], "mlp", "1", "model.onnx");
            MlpModel.Build(Int("hidden", MlpModel.DefaultHidden)).Save(modelPath);
            var bodyPath = Path.Combine(args[1], "mlp_request.json");
            File.WriteAllText(bodyPath, ExampleInput.Mlp.RequestBody());
            Console.WriteLine($"wrote {modelPath} and {bodyPath}");
            return 0;
        }

    case "write-body" when args.Length >= 3:
        {
            using var model = BenchModel.Open(args[1], intraOp, spin);
            File.WriteAllText(args[2], ExampleInput.Of(model).RequestBody());
            Console.WriteLine($"wrote {args[2]}");
            return 0;
        }

    case "batch-time":
        {
            var batch = Int("batch", 64);
            var runs = Int("runs", 50);
            using var model = BenchModel.Open(args[1], intraOp, spin);
            var (median, p90, cpu) = await BatchComputeTime.MeasureAsync(model, ExampleInput.Of(model), batch, runs);
            Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "batch={0} runs={1} median={2:F3}ms p90={3:F3}ms cpu={4:F3}ms", batch, runs, median, p90, cpu));
            return 0;
        }

    case "compare":
        {
            var concurrency = Int("concurrency", 64);
            var seconds = options.TryGetValue("duration", out var d) ? double.Parse(d, CultureInfo.InvariantCulture) : 10.0;
            ThreadPool.SetMinThreads(concurrency + 8, concurrency + 8);
            var batching = options.TryGetValue("batching_parameters_file", out var file) ? BatchingOptions.Load(file) : InProcessComparison.DefaultOptions(concurrency);
            var duration = TimeSpan.FromSeconds(seconds);
            using var model = BenchModel.Open(args[1], intraOp, spin);
            var input = ExampleInput.Of(model);
            Console.WriteLine($"model {args[1]}, {concurrency} single-example callers, {seconds} s each, batching {batching}");

            await InProcessComparison.RunAsync(model, input, concurrency, TimeSpan.FromSeconds(2));
            var off = await InProcessComparison.RunAsync(model, input, concurrency, duration);
            Console.WriteLine(InProcessComparison.Format("batching off", off));

            using var scheduler = new BatchScheduler(batching);
            var batched = new BatchingServable(new NotOwned(model), scheduler, batching);
            await InProcessComparison.RunAsync(batched, input, concurrency, TimeSpan.FromSeconds(2));
            var on = await InProcessComparison.RunAsync(batched, input, concurrency, duration);
            Console.WriteLine(InProcessComparison.Format("batching on ", on));
            batched.Dispose();
            Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "speedup {0:F2}x", on.Throughput / off.Throughput));
            return 0;
        }

    default:
        Console.Error.WriteLine(Usage);
        return 2;
}
