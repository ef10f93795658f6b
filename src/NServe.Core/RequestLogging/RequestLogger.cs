using Google.Protobuf;
using NServe.Core.Errors;
using Tensorflow.Serving;

namespace NServe.Core.RequestLogging;

/// <summary>
/// A model's request log (ModelConfig <c>logging_config</c>): samples requests at
/// <c>sampling_config.sampling_rate</c> and writes each sampled request with its response as a
/// <see cref="PredictionLog"/> TFRecord to rotating files named from <c>log_collector_config.filename_prefix</c>.
/// Callers ask <see cref="ShouldSample"/> first, so unsampled requests cost one random draw.
/// </summary>
public sealed class RequestLogger : IDisposable
{
    /// <summary>The one log collector type NServe has: TFRecord files.</summary>
    public const string FileCollectorType = "file";

    private readonly SamplingConfig _sampling;
    private readonly RotatingTfRecordFile _files;
    private readonly TimeProvider _clock;

    /// <exception cref="ServingException">InvalidArgument: an unknown collector type, no prefix, or a rate outside [0, 1].</exception>
    public RequestLogger(LoggingConfig config, RequestLogOptions? options = null, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        var collector = config.LogCollectorConfig ?? new LogCollectorConfig();
        if (collector.Type is not ("" or FileCollectorType))
        {
            throw ServingException.InvalidArgument(
                $"Unknown log collector type: \"{collector.Type}\" (NServe has \"{FileCollectorType}\": TFRecord files of PredictionLog)");
        }

        if (collector.FilenamePrefix.Length == 0)
        {
            throw ServingException.InvalidArgument("logging_config.log_collector_config.filename_prefix must name where to write request logs");
        }

        _sampling = config.SamplingConfig ?? new SamplingConfig();
        if (!(_sampling.SamplingRate is >= 0 and <= 1))
        {
            throw ServingException.InvalidArgument($"sampling_rate must be in [0, 1], got {_sampling.SamplingRate}");
        }

        _clock = clock ?? TimeProvider.System;
        _files = new RotatingTfRecordFile(collector.FilenamePrefix, options ?? new RequestLogOptions(), _clock);
    }

    public double SamplingRate => _sampling.SamplingRate;

    /// <summary>The files written so far, oldest first.</summary>
    public IReadOnlyList<string> Files => _files.Files;

    /// <summary>Whether to log this request: true with probability <see cref="SamplingRate"/>.</summary>
    public bool ShouldSample() => SamplingRate > 0 && (SamplingRate >= 1 || Random.Shared.NextDouble() < SamplingRate);

    /// <summary>
    /// Writes <paramref name="log"/> (request and response filled in), adding its metadata. Never fails the
    /// request it records: a write error returns false (the caller may count it).
    /// </summary>
    public bool Log(PredictionLog log, ModelSpec modelSpec)
    {
        ArgumentNullException.ThrowIfNull(log);
        log.LogMetadata = new LogMetadata
        {
            ModelSpec = modelSpec,
            SamplingConfig = _sampling,
            TimestampSecs = _clock.GetUtcNow().ToUnixTimeSeconds(),
        };
        try
        {
            _files.Append(log.ToByteArray());
            return true;
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    public void Dispose() => _files.Dispose();
}
