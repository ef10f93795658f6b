using Microsoft.Extensions.Logging;
using NServe.Core.Errors;
using NServe.Core.Sources;
using Tensorflow.Serving;

namespace NServe.Core.Management;

/// <summary>
/// Applies a ModelServerConfig (the config file, its reloads and HandleReloadConfigRequest) the way TF
/// Serving's ServerCore does: only a model_config_list, unique names, a platform NServe serves, labels only
/// on available versions unless allowed; a config that fails a check changes nothing. Models left out of
/// a new config are unloaded.
/// </summary>
public sealed class ModelConfigApplier(
    ServableManager manager,
    FileSystemSource source,
    ModelConfigApplierOptions options,
    ILogger<ModelConfigApplier> logger)
{
    private readonly SemaphoreSlim _applying = new(1, 1);
    private ModelServerConfig? _current;

    /// <summary>The config in force, or null before the first one.</summary>
    public ModelServerConfig? Current => _current;

    /// <summary>
    /// Applies <paramref name="config"/>. The first config's labels are set once its versions have loaded,
    /// so a config file can name labels at startup; later configs' labels are checked against what is
    /// available now, before any model changes, as TF Serving does.
    /// </summary>
    public async Task ApplyAsync(ModelServerConfig config, CancellationToken cancellationToken)
    {
        await _applying.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var models = Validate(config);

            // First of the changes, as it can still refuse the config (a logging_config NServe cannot honour).
            options.RequestLoggers?.Apply(config);
            var initial = _current is null;
            if (!initial)
            {
                foreach (var model in config.ModelConfigList.Config)
                {
                    CheckLabels(model);
                }

                foreach (var model in config.ModelConfigList.Config)
                {
                    manager.SetLabels(model.Name, model.VersionLabels);
                }
            }

            await source.SetModelsAsync(models, cancellationToken).ConfigureAwait(false);
            _current = config;
            if (!initial)
            {
                options.Reloaded?.Invoke();
            }

            if (initial)
            {
                await manager.WaitUntilIdleAsync(cancellationToken).ConfigureAwait(false);
                foreach (var model in config.ModelConfigList.Config)
                {
                    try
                    {
                        CheckLabels(model);
                        manager.SetLabels(model.Name, model.VersionLabels);
                    }
                    catch (ServingException ex)
                    {
                        logger.LogError("Labels of model {Model} were not set: {Error}", model.Name, ex.Message);
                    }
                }
            }
        }
        finally
        {
            _applying.Release();
        }
    }

    private List<ModelSourceConfig> Validate(ModelServerConfig config)
    {
        if (config.ConfigCase != ModelServerConfig.ConfigOneofCase.ModelConfigList)
        {
            throw ServingException.FailedPrecondition(
                "Cannot transition to requested config. It is only legal to transition from one ModelConfigList to another.");
        }

        var models = new List<ModelSourceConfig>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var model in config.ModelConfigList.Config)
        {
            if (string.IsNullOrEmpty(model.Name))
            {
                throw ServingException.InvalidArgument("A model in the config has no name.");
            }

            if (!names.Add(model.Name))
            {
                throw ServingException.InvalidArgument($"Illegal to list model {model.Name} multiple times in config list");
            }

            if (string.IsNullOrEmpty(model.BasePath))
            {
                throw ServingException.InvalidArgument($"Model {model.Name} has no base_path.");
            }

            var platform = model.ModelPlatform.Length == 0 ? null : model.ModelPlatform;
            if (platform is not null && !options.Platforms.Contains(platform))
            {
                throw ServingException.InvalidArgument(
                    $"Model {model.Name} requests platform '{platform}', which NServe does not serve (it serves: {string.Join(", ", options.Platforms)}).");
            }

            var previous = source.Models.FirstOrDefault(m => m.Name == model.Name);
            if (previous?.Platform is not null && platform is not null && previous.Platform != platform)
            {
                throw ServingException.InvalidArgument($"Illegal to change a model's platform. For model {model.Name} platform was {previous.Platform} and new platform requested is {platform}");
            }

            models.Add(new ModelSourceConfig(
                model.Name,
                options.ResolvePath(model.BasePath),
                platform,
                VersionPolicies.FromProto(model.ModelVersionPolicy, logger)));
        }

        return models;
    }

    /// <summary>TF Serving's label rules (server_core.cc UpdateModelVersionLabelMap).</summary>
    private void CheckLabels(ModelConfig model)
    {
        var existing = manager.GetLabels(model.Name);
        foreach (var (label, version) in model.VersionLabels)
        {
            if (manager.IsAvailable(model.Name, version))
            {
                continue;
            }

            var allowed = options.AllowLabelsForUnavailableModels
                && (!existing.TryGetValue(label, out var current) || current == version);
            if (!allowed)
            {
                throw ServingException.FailedPrecondition(
                    $"Request to assign label to version {version} of model {model.Name}, which is not currently available for inference");
            }
        }
    }
}

/// <summary>Settings of <see cref="ModelConfigApplier"/>.</summary>
public sealed class ModelConfigApplierOptions
{
    /// <summary><c>--allow_version_labels_for_unavailable_models</c>.</summary>
    public bool AllowLabelsForUnavailableModels { get; init; }

    /// <summary>Platforms the loaders serve.</summary>
    public IReadOnlyCollection<string> Platforms { get; init; } = ["onnx", "tensorflow"];

    /// <summary>
    /// Turns a config's base path into an absolute one (NServe accepts relative paths); URIs such as
    /// <c>s3://bucket/prefix</c> pass unchanged.
    /// </summary>
    public Func<string, string> ResolvePath { get; init; } = BasePaths.Resolve;

    /// <summary>The models' request logs, kept in step with each config's <c>logging_config</c>; null: none.</summary>
    public RequestLogging.RequestLoggers? RequestLoggers { get; init; }

    /// <summary>Runs after each config after the first is applied (the server re-reads its batching parameters); null: nothing.</summary>
    public Action? Reloaded { get; init; }
}
