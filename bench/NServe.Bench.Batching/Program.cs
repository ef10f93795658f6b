using System.Globalization;
using NServe.Bench.Batching;
using NServe.Core.Batching;
using NServe.Core.Servables;
using NServe.Onnx;

// Batching benchmarks.
//   write-mlp DIR            writes DIR/mlp/1/model.onnx (MLP 784-512-512-10) and DIR/mlp_request.json
//   compare MODEL.onnx [--concurrency=64] [--duration=10] [--batching_parameters_file=F] [--intra_op=N]
//                            in-process: single-example callers on the ORT servable, unbatched then batched
//   batch-time MODEL.onnx [--batch=64] [--runs=50] [--intra_op=N]
//                            one batch's compute time alone (median and p90 of back-to-back runs)
if (args.Length >= 2 && args[0] == "batch-time")
{
    var batch = 64;
    var runs = 50;
    var threads = 0;
    foreach (var arg in args.Skip(2))
    {
        var parts = arg.TrimStart('-').Split('=', 2);
        switch (parts[0])
        {
            case "batch":
                batch = int.Parse(parts[1], CultureInfo.InvariantCulture);
                break;
            case "runs":
                runs = int.Parse(parts[1], CultureInfo.InvariantCulture);
                break;
            case "intra_op":
                threads = int.Parse(parts[1], CultureInfo.InvariantCulture);
                break;
            default:
                Console.Error.WriteLine($"unknown argument {arg}");
                return 2;
        }
    }

    using var model = OnnxServable.Load(new ServableId("mlp", 1), args[1], new OnnxRuntimeOptions { IntraOpThreads = threads });
    var (median, p90) = await BatchComputeTime.MeasureAsync(model, batch, runs);
    Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "batch={0} runs={1} median={2:F3}ms p90={3:F3}ms", batch, runs, median, p90));
    return 0;
}

if (args.Length >= 2 && args[0] == "write-mlp")
{
    var modelPath = Path.Combine(args[1], "mlp", "1", "model.onnx");
    MlpModel.Build().Save(modelPath);
    var bodyPath = Path.Combine(args[1], "mlp_request.json");
    File.WriteAllText(bodyPath, MlpModel.RequestBody());
    Console.WriteLine($"wrote {modelPath} and {bodyPath}");
    return 0;
}

if (args.Length >= 2 && args[0] == "compare")
{
    var concurrency = 64;
    var seconds = 10.0;
    var intraOp = 0;
    string? parametersFile = null;
    foreach (var arg in args.Skip(2))
    {
        var parts = arg.TrimStart('-').Split('=', 2);
        switch (parts[0])
        {
            case "concurrency":
                concurrency = int.Parse(parts[1], CultureInfo.InvariantCulture);
                break;
            case "duration":
                seconds = double.Parse(parts[1], CultureInfo.InvariantCulture);
                break;
            case "intra_op":
                intraOp = int.Parse(parts[1], CultureInfo.InvariantCulture);
                break;
            case "batching_parameters_file":
                parametersFile = parts[1];
                break;
            default:
                Console.Error.WriteLine($"unknown argument {arg}");
                return 2;
        }
    }

    ThreadPool.SetMinThreads(concurrency + 8, concurrency + 8);
    var options = parametersFile is null ? InProcessComparison.DefaultOptions(concurrency) : BatchingOptions.Load(parametersFile);
    var duration = TimeSpan.FromSeconds(seconds);
    using var onnx = OnnxServable.Load(new ServableId("mlp", 1), args[1], new OnnxRuntimeOptions { IntraOpThreads = intraOp });
    Console.WriteLine($"model {args[1]}, {concurrency} single-example callers, {seconds} s each, batching {options}");

    await InProcessComparison.RunAsync(onnx, concurrency, TimeSpan.FromSeconds(2));
    var off = await InProcessComparison.RunAsync(onnx, concurrency, duration);
    Console.WriteLine(InProcessComparison.Format("batching off", off));

    using var scheduler = new BatchScheduler(options);
    var batched = new BatchingServable(new NotOwned(onnx), scheduler, options);
    await InProcessComparison.RunAsync(batched, concurrency, TimeSpan.FromSeconds(2));
    var on = await InProcessComparison.RunAsync(batched, concurrency, duration);
    Console.WriteLine(InProcessComparison.Format("batching on ", on));
    batched.Dispose();
    Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "speedup {0:F2}x", on.Throughput / off.Throughput));
    return 0;
}

Console.Error.WriteLine("usage: NServe.Bench.Batching write-mlp DIR | compare MODEL.onnx [--concurrency=64] [--duration=10] [--batching_parameters_file=F] [--intra_op=N] | batch-time MODEL.onnx [--batch=64] [--runs=50] [--intra_op=N]");
return 2;
