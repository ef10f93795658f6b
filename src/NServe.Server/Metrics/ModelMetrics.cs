using System.Globalization;
using NServe.Core.Errors;
using NServe.Core.Management;
using NServe.Core.Servables;
using NServe.Server.Rest.Json;

namespace NServe.Server.Metrics;

/// <summary>
/// NServe's own model metrics, which TF Serving lacks: the state of every version, failed loads and how
/// long loads take. Named in Prometheus' usual style (base units, <c>_total</c> counters).
/// </summary>
public sealed class ModelMetrics
{
    private readonly MetricRegistry _registry;

    public ModelMetrics(MetricRegistry registry)
    {
        _registry = registry;
        LoadFailures = registry.Register(new CounterFamily(
            "nserve_model_load_failures_total",
            "Failed attempts to load a model version (each retry counts), by model and error code.",
            ["model_name", "status"]));
        LoadDuration = registry.Register(new HistogramFamily(
            "nserve_model_load_duration_seconds",
            "Time to load a model version successfully (reading files, building sessions).",
            ["model_name"],
            HistogramBuckets.Explicit(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300)));
    }

    public CounterFamily LoadFailures { get; }

    public HistogramFamily LoadDuration { get; }

    /// <summary>
    /// Exports <c>nserve_model_version_state{model_name, version, state} 1</c> for every version
    /// <paramref name="manager"/> knows, read from it at scrape time (state as in the status API:
    /// START, LOADING, AVAILABLE, UNLOADING, END).
    /// </summary>
    public void TrackVersionStates(ServableManager manager) =>
        _registry.Register(new CallbackGaugeFamily(
            "nserve_model_version_state",
            "1 for the state each model version is in (START, LOADING, AVAILABLE, UNLOADING, END).",
            ["model_name", "version", "state"],
            () => ReadStates(manager)));

    public void RecordLoaded(string modelName, TimeSpan elapsed) =>
        LoadDuration.WithLabels(new LabelValues(modelName)).Observe(elapsed.TotalSeconds);

    public void RecordLoadFailure(string modelName, StatusCode code) =>
        LoadFailures.WithLabels(new LabelValues(modelName, TfNames.StatusCode(code))).Increment();

    private static IEnumerable<GaugeSample> ReadStates(ServableManager manager)
    {
        foreach (var model in manager.ModelNames)
        {
            foreach (var status in manager.GetVersionStatuses(model))
            {
                var version = status.Version.ToString(CultureInfo.InvariantCulture);
                yield return new GaugeSample(new LabelValues(model, version, StateName(status.State)), 1);
            }
        }
    }

    private static string StateName(ServableState state) => state switch
    {
        ServableState.Start => "START",
        ServableState.Loading => "LOADING",
        ServableState.Available => "AVAILABLE",
        ServableState.Unloading => "UNLOADING",
        ServableState.End => "END",
        _ => "UNKNOWN",
    };
}
