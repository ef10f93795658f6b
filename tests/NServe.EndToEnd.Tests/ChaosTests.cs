using NServe.Bench.Chaos;
using NServe.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;

namespace NServe.EndToEnd.Tests;

/// <summary>
/// A short run of the chaos driver (bench/Chaos; the full 10-minute soak is bench/chaos.sh): the real server
/// under REST and gRPC load while versions are added, copied slowly, corrupted and deleted, labels move and
/// configs reload, garbage included. Every answer must come from a version that was complete and named by
/// the request; every error must be one the faults explain. Not timed: only correctness is asserted.
/// </summary>
public sealed class ChaosTests(ITestOutputHelper output)
{
    [Fact]
    public async Task ShortChaosRunAnswersRightAndFailsOnlyAsExpected()
    {
        var options = new ChaosOptions
        {
            ServerDll = TestPaths.ServerDll,
            RepositoryRoot = TestPaths.RepositoryRoot,
            Duration = TimeSpan.FromSeconds(45),
            RestWorkers = 2,
            GrpcWorkers = 2,
            FaultInterval = TimeSpan.FromMilliseconds(800),

            // Other end-to-end tests run beside this one: load, but leave them CPU.
            WorkerPause = TimeSpan.FromMilliseconds(2),

            // A fixed seed fixes the order of the faults, so every kind happens in 45 s.
            Seed = 20261126,
            Log = output.WriteLine,
        };
        try
        {
            var result = await ChaosRun.RunAsync(options);
            output.WriteLine(result.Describe());

            Assert.True(result.Unexpected == 0, result.Describe());
            Assert.True(result.Counts.GetValueOrDefault("answers.right") > 1000, result.Describe());
            foreach (var fault in new[] { "fault.version_deleted", "fault.version_copied_slowly", "fault.reload_file", "fault.reload_grpc", "fault.garbage_config_file", "fault.garbage_config_grpc" })
            {
                Assert.True(result.Counts.GetValueOrDefault(fault) > 0, $"no {fault} in the run:\n{result.Describe()}");
            }
        }
        finally
        {
            if (Directory.Exists(options.WorkFolder))
            {
                Directory.Delete(options.WorkFolder, recursive: true);
            }
        }
    }
}
