using NServe.Bench.Chaos;

// Chaos and soak: the real server under mixed REST/gRPC load while versions come and go, labels move and
// configs reload. Exit 0 when nothing unexpected happened and RSS stayed within 10%.
//
// usage: NServe.Bench.Chaos --server=<nserve.dll> --repo=<repository root> [--seconds=600] [--keep]
var arguments = args.Select(a => a.Split('=', 2)).ToDictionary(a => a[0], a => a.Length > 1 ? a[1] : "", StringComparer.Ordinal);
if (!arguments.TryGetValue("--server", out var serverDll) || !arguments.TryGetValue("--repo", out var repository))
{
    Console.Error.WriteLine("usage: NServe.Bench.Chaos --server=<nserve.dll> --repo=<repository root> [--seconds=600] [--keep]");
    return 2;
}

var seconds = arguments.TryGetValue("--seconds", out var s) ? double.Parse(s, System.Globalization.CultureInfo.InvariantCulture) : 600;
var options = new ChaosOptions
{
    ServerDll = Path.GetFullPath(serverDll),
    RepositoryRoot = Path.GetFullPath(repository),
    Duration = TimeSpan.FromSeconds(seconds),
    Log = line => Console.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] {line}"),
};
Console.WriteLine($"seed {options.Seed}, work folder {options.WorkFolder}");
try
{
    var result = await ChaosRun.RunAsync(options);
    Console.WriteLine(result.Describe());
    return result.Passed ? 0 : 1;
}
finally
{
    if (!arguments.ContainsKey("--keep") && Directory.Exists(options.WorkFolder))
    {
        Directory.Delete(options.WorkFolder, recursive: true);
    }
}
