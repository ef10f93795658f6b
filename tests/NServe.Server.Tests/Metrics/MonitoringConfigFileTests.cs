using NServe.Core.Errors;
using NServe.Server.Metrics;
using NServe.Server.Options;

namespace NServe.Server.Tests.Metrics;

public sealed class MonitoringConfigFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("nserve-monitoring-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData("prometheus_config { enable: true path: \"/metrics\" }", "/metrics")]
    [InlineData("prometheus_config { enable: true }", "/monitoring/prometheus/metrics")]
    [InlineData("prometheus_config: { enable: true, path: \"\" }", "/monitoring/prometheus/metrics")]
    [InlineData("prometheus_config { enable: false path: \"/metrics\" }", null)]
    [InlineData("", null)]
    public void PathComesFromPrometheusConfig(string text, string? path) =>
        Assert.Equal(path, MonitoringConfigFile.PrometheusPath(MonitoringConfigFile.Parse(text, "m.txt")));

    [Fact]
    public void BadTextNamesTheFile()
    {
        var file = Write("prometheus_config { enable: maybe }");
        var error = Assert.Throws<ServingException>(() => MonitoringConfigFile.Read(file));
        Assert.Equal(StatusCode.InvalidArgument, error.Code);
        Assert.Contains(file, error.Message, StringComparison.Ordinal);
        Assert.Contains("MonitoringConfig", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingFileNamesTheFile()
    {
        var file = Path.Combine(_folder, "absent.txt");
        var error = Assert.Throws<ServingException>(() => MonitoringConfigFile.Read(file));
        Assert.Contains(file, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ServerServesThePageOnlyWhenRestIsOnAndPrometheusEnabled()
    {
        var enabled = Write("prometheus_config { enable: true path: \"/m\" }");
        Assert.Equal("/m", EndpointPath(new ServerOptions { RestApiPort = 8501, MonitoringConfigFile = enabled }));
        Assert.Null(EndpointPath(new ServerOptions { RestApiPort = 0, MonitoringConfigFile = enabled }));
        Assert.Null(EndpointPath(new ServerOptions { RestApiPort = 8501, MonitoringConfigFile = Write("prometheus_config { enable: false }") }));
        Assert.Null(EndpointPath(new ServerOptions { RestApiPort = 8501 }));

        // As in TF Serving, the file is not even read when REST is off.
        Assert.Null(EndpointPath(new ServerOptions { RestApiPort = 0, MonitoringConfigFile = Path.Combine(_folder, "absent.txt") }));
    }

    private static string? EndpointPath(ServerOptions options)
    {
        using var metrics = new ServerMetrics();
        metrics.ReadMonitoringConfig(options);
        return metrics.Endpoint?.Path;
    }

    private string Write(string text)
    {
        var file = Path.Combine(_folder, Guid.NewGuid().ToString("N") + ".txt");
        File.WriteAllText(file, text);
        return file;
    }
}
