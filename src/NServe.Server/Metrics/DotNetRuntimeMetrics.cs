using Prometheus;

namespace NServe.Server.Metrics;

/// <summary>
/// .NET runtime and process metrics, served by prometheus-net from a registry of its own (not its global
/// default one): its process collector (<c>process_cpu_seconds_total</c>, <c>process_working_set_bytes</c>,
/// <c>process_num_threads</c>, <c>dotnet_collection_count_total</c>, ...) and the runtime's built-in
/// <c>System.Runtime</c> meter as <c>system_runtime_dotnet_*</c> (GC collections, heap and pauses,
/// thread pool threads and queue, lock contention, JIT, CPU time).
/// Only that meter is listened to: every value is read when the page is scraped, so requests pay nothing.
/// prometheus-net's EventCounter adapter is left off, as it keeps a listener thread busy and makes garbage.
/// </summary>
public sealed class DotNetRuntimeMetrics : IDisposable
{
    private readonly Lock _gate = new();
    private CollectorRegistry? _registry;
    private IDisposable? _meterListener;

    /// <summary>Appends the runtime metrics to <paramref name="body"/>; the collectors start at the first call.</summary>
    public Task WriteToAsync(Stream body, CancellationToken cancellationToken) =>
        Registry.CollectAndExportAsTextAsync(body, cancellationToken);

    public void Dispose()
    {
        lock (_gate)
        {
            _meterListener?.Dispose();
            _meterListener = null;
        }
    }

    private CollectorRegistry Registry
    {
        get
        {
            lock (_gate)
            {
                if (_registry is null)
                {
                    var registry = Prometheus.Metrics.NewCustomRegistry();
                    DotNetStats.Register(registry);
                    _meterListener = MeterAdapter.StartListening(new MeterAdapterOptions
                    {
                        // Without its own factory the adapter would publish into prometheus-net's global registry.
                        Registry = registry,
                        MetricFactory = Prometheus.Metrics.WithCustomRegistry(registry),
                        InstrumentFilterPredicate = instrument => instrument.Meter.Name == "System.Runtime",
                    });
                    _registry = registry;
                }

                return _registry;
            }
        }
    }
}
