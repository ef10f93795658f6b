using NServe.Core.Servables;
using NServe.Server.Options;

namespace NServe.Server.Metrics;

/// <summary>
/// Every metric one server keeps: TF Serving's request, warmup and batching metrics, NServe's model
/// metrics, the .NET runtime metrics, and where the page is served (when <c>--monitoring_config_file</c>
/// enables it). Recording goes on whether or not the page is served; it costs a few interlocked adds.
/// </summary>
public sealed class ServerMetrics : IDisposable
{
    public ServerMetrics()
    {
        Serving = new ServingMetrics(Registry);
        Batching = new BatchingMetrics(Registry);
        Models = new ModelMetrics(Registry);
    }

    public MetricRegistry Registry { get; } = new();

    public ServingMetrics Serving { get; }

    public BatchingMetrics Batching { get; }

    public ModelMetrics Models { get; }

    public DotNetRuntimeMetrics Runtime { get; } = new();

    /// <summary>The metrics page on the REST port; null when Prometheus is not enabled.</summary>
    public PrometheusEndpoint? Endpoint { get; private set; }

    /// <summary>
    /// Serves the page as <c>--monitoring_config_file</c> says. As in TF Serving, the file is read only when
    /// REST is on, once the first models have loaded. Throws a ServingException naming a bad file.
    /// </summary>
    public void ReadMonitoringConfig(ServerOptions options)
    {
        if (options.IsRestApiExported && options.MonitoringConfigFile.Length > 0
            && MonitoringConfigFile.PrometheusPath(MonitoringConfigFile.Read(options.MonitoringConfigFile)) is { } path)
        {
            ServePage(path);
        }
    }

    /// <summary>Serves the page at <paramref name="path"/> on the REST port.</summary>
    public void ServePage(string path) => Endpoint = new PrometheusEndpoint(path, this);

    /// <summary><paramref name="loaders"/>, each timed and its failures counted.</summary>
    public IServableLoader[] Measure(IEnumerable<IServableLoader> loaders) => MeasuredServableLoader.Wrap(loaders, Models);

    public void Dispose() => Runtime.Dispose();
}
