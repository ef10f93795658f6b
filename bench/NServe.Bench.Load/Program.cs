using NServe.Bench.Load;

// A load generator for TF Serving-compatible servers (REST and gRPC): closed-loop concurrency, a warm-up,
// then throughput, latency percentiles and errors. See LoadOptions.Usage.
LoadOptions options;
try
{
    options = LoadOptions.Parse(args);
}
catch (Exception e) when (e is ArgumentException or FormatException)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine(LoadOptions.Usage);
    return 2;
}

ThreadPool.GetMinThreads(out var workers, out var io);
ThreadPool.SetMinThreads(Math.Max(workers, options.Concurrency), io);

var body = File.ReadAllBytes(options.BodyFile!);
await using IRequestSender sender = options.Url is null
    ? new GrpcSender(options, JsonToPredictRequest.Convert(body, options))
    : options.RawHttp ? new RawHttpSender(options, body) : new RestSender(options, body);

Console.WriteLine($"{sender.Describe()}, concurrency {options.Concurrency}");
var probe = await sender.SendAsync(CancellationToken.None);
if (probe is not null)
{
    Console.Error.WriteLine($"the first request failed: {probe}");
    return 1;
}

if (options.WarmupSeconds > 0)
{
    await LoadRunner.RunAsync(sender, options.Concurrency, TimeSpan.FromSeconds(options.WarmupSeconds), null);
}

var result = await LoadRunner.RunAsync(sender, options.Concurrency, TimeSpan.FromSeconds(options.DurationSeconds), options.Requests);
Console.WriteLine(result.Format());
if (result.FirstError is not null)
{
    Console.WriteLine($"first error: {result.FirstError}");
}

return 0;
