using BenchmarkDotNet.Running;

namespace NServe.Bench.Micro;

/// <summary>
/// Micro benchmarks of the request hot paths. Run in Release:
/// <c>dotnet run -c Release --project bench/NServe.Bench.Micro -- --filter '*'</c>.
/// </summary>
public static class MicroBenchmarks
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(MicroBenchmarks).Assembly).Run(args);
}
