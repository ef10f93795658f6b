using System.Collections.Concurrent;
using Tensorflow.Serving;

namespace NServe.Core.RequestLogging;

/// <summary>
/// The request log of each model that has a <c>logging_config</c>, kept in step with the model server config:
/// <see cref="Apply"/> after every config load or reload; request paths call <see cref="Find"/> (lock-free).
/// A model whose logging_config is unchanged keeps its logger and its current file.
/// </summary>
public sealed class RequestLoggers(RequestLogOptions? options = null, TimeProvider? clock = null) : IDisposable
{
    private readonly ConcurrentDictionary<string, (LoggingConfig Config, RequestLogger Logger)> _byModel = new(StringComparer.Ordinal);
    private readonly Lock _applying = new();

    /// <summary>The logger of <paramref name="model"/>, or null when it logs nothing.</summary>
    public RequestLogger? Find(string model) => _byModel.TryGetValue(model, out var entry) ? entry.Logger : null;

    /// <summary>Starts, replaces and stops loggers to match <paramref name="config"/>.</summary>
    /// <exception cref="Errors.ServingException">InvalidArgument: a logging_config NServe cannot honour; nothing changes.</exception>
    public void Apply(ModelServerConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var wanted = (config.ModelConfigList?.Config ?? [])
            .Where(m => m.LoggingConfig is not null)
            .ToDictionary(m => m.Name, m => m.LoggingConfig, StringComparer.Ordinal);
        lock (_applying)
        {
            // Every new logger is built before any old one goes, so a bad config leaves logging as it was.
            var started = new Dictionary<string, (LoggingConfig, RequestLogger)>(StringComparer.Ordinal);
            try
            {
                foreach (var (model, logging) in wanted)
                {
                    if (!_byModel.TryGetValue(model, out var current) || !current.Config.Equals(logging))
                    {
                        started[model] = (logging.Clone(), new RequestLogger(logging, options, clock));
                    }
                }
            }
            catch
            {
                foreach (var (_, logger) in started.Values)
                {
                    logger.Dispose();
                }

                throw;
            }

            foreach (var (model, entry) in started)
            {
                if (_byModel.TryGetValue(model, out var old))
                {
                    old.Logger.Dispose();
                }

                _byModel[model] = entry;
            }

            foreach (var model in _byModel.Keys.Where(m => !wanted.ContainsKey(m)).ToList())
            {
                if (_byModel.TryRemove(model, out var old))
                {
                    old.Logger.Dispose();
                }
            }
        }
    }

    public void Dispose()
    {
        lock (_applying)
        {
            foreach (var (_, logger) in _byModel.Values)
            {
                logger.Dispose();
            }

            _byModel.Clear();
        }
    }
}
