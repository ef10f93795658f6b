using NServe.Core.Config.TextFormat;
using NServe.Core.Errors;
using Tensorflow.Serving;

namespace NServe.Server.Metrics;

/// <summary>Reads a <c>--monitoring_config_file</c>: a MonitoringConfig in protobuf text format.</summary>
public static class MonitoringConfigFile
{
    /// <summary>The path TF Serving serves metrics at when <c>prometheus_config.path</c> is empty.</summary>
    public const string DefaultPath = "/monitoring/prometheus/metrics";

    /// <summary>Reads and parses <paramref name="file"/>; errors name the file.</summary>
    public static MonitoringConfig Read(string file)
    {
        string text;
        try
        {
            text = File.ReadAllText(file);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw ServingException.InvalidArgument($"Could not read monitoring config file {file}: {ex.Message}");
        }

        return Parse(text, file);
    }

    public static MonitoringConfig Parse(string text, string file)
    {
        try
        {
            return TextFormatParser.Parse<MonitoringConfig>(text);
        }
        catch (TextFormatException ex)
        {
            throw ServingException.InvalidArgument($"Invalid monitoring config file {file}: {ex.ParseErrorMessage}");
        }
    }

    /// <summary>The path to serve metrics at, or null when <paramref name="config"/> does not enable Prometheus.</summary>
    public static string? PrometheusPath(MonitoringConfig config) =>
        config.PrometheusConfig is { Enable: true } prometheus
            ? (prometheus.Path.Length == 0 ? DefaultPath : prometheus.Path)
            : null;
}
