using Microsoft.Extensions.Logging.Abstractions;
using NServe.Core.Errors;
using NServe.Core.Management;
using NServe.Core.Sources;
using NServe.Server.Metrics;

namespace NServe.Server.Tests.Metrics;

/// <summary>Model metrics from a real manager whose loads the test finishes or fails.</summary>
public sealed class ModelMetricsTests : IAsyncDisposable
{
    private readonly MetricRegistry _registry = new();
    private readonly ModelMetrics _metrics;
    private readonly GatedLoader _loader = new();
    private readonly ServableManager _manager;

    public ModelMetricsTests()
    {
        _metrics = new ModelMetrics(_registry);
        _manager = new ServableManager(MeasuredServableLoader.Wrap([_loader], _metrics), new ManagerOptions(), NullLogger<ServableManager>.Instance);
        _metrics.TrackVersionStates(_manager);
    }

    public ValueTask DisposeAsync() => _manager.DisposeAsync();

    [Fact]
    public async Task VersionStateFollowsTheLoadAndItsDurationIsRecorded()
    {
        _manager.SetAspiredVersions("m", "gated", [new AspiredVersion(7, "/models/m/7")]);
        await WaitForPage("nserve_model_version_state{model_name=\"m\",version=\"7\",state=\"LOADING\"} 1\n");

        _loader.Finish();
        await _manager.WaitUntilIdleAsync(CancellationToken.None);

        var page = _registry.WriteToString();
        Assert.Contains("nserve_model_version_state{model_name=\"m\",version=\"7\",state=\"AVAILABLE\"} 1\n", page, StringComparison.Ordinal);
        Assert.DoesNotContain("state=\"LOADING\"", page, StringComparison.Ordinal);
        Assert.Contains("nserve_model_load_duration_seconds_count{model_name=\"m\"} 1\n", page, StringComparison.Ordinal);
        Assert.DoesNotContain("nserve_model_load_failures_total{", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FailedLoadIsCountedByCodeAndEndsTheVersion()
    {
        _manager.SetAspiredVersions("m", "gated", [new AspiredVersion(1, "/models/m/1")]);
        _loader.Fail(ServingException.InvalidArgument("bad model"));
        await _manager.WaitUntilIdleAsync(CancellationToken.None);

        var page = _registry.WriteToString();
        Assert.Contains("nserve_model_load_failures_total{model_name=\"m\",status=\"INVALID_ARGUMENT\"} 1\n", page, StringComparison.Ordinal);
        Assert.Contains("nserve_model_version_state{model_name=\"m\",version=\"1\",state=\"END\"} 1\n", page, StringComparison.Ordinal);
        Assert.DoesNotContain("nserve_model_load_duration_seconds_count{", page, StringComparison.Ordinal);
    }

    private async Task WaitForPage(string line)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!_registry.WriteToString().Contains(line, StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline, $"the page never showed {line}:\n{_registry.WriteToString()}");
            await Task.Delay(10);
        }
    }
}
