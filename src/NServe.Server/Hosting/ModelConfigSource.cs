using Microsoft.Extensions.Logging;
using NServe.Core.Config;
using NServe.Core.Errors;
using NServe.Core.Management;
using NServe.Server.Options;
using Tensorflow.Serving;

namespace NServe.Server.Hosting;

/// <summary>
/// Where the model config comes from: <c>--model_config_file</c> (re-read every
/// <c>--model_config_file_poll_wait_seconds</c> when that is positive), or a one-model config built from
/// <c>--model_name</c> and <c>--model_base_path</c>, as TF Serving builds it.
/// </summary>
public sealed class ModelConfigSource(ServerOptions options, ModelConfigApplier applier, ILogger<ModelConfigSource> logger)
{
    private string? _lastText;

    public ModelServerConfig ReadInitial()
    {
        if (options.ModelConfigFile.Length == 0)
        {
            var config = new ModelServerConfig { ModelConfigList = new ModelConfigList() };
            config.ModelConfigList.Config.Add(new ModelConfig { Name = options.ModelName, BasePath = options.ModelBasePath });
            return config;
        }

        _lastText = ReadText();
        return ModelConfigFile.Parse(_lastText);
    }

    /// <summary>Re-reads the file on its poll period; a bad new config is logged and the running one stays.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (options.ModelConfigFile.Length == 0 || options.ModelConfigFilePollWaitSeconds <= 0)
        {
            return;
        }

        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.ModelConfigFilePollWaitSeconds));
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                await ReloadIfChangedAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task ReloadIfChangedAsync(CancellationToken cancellationToken)
    {
        try
        {
            var text = ReadText();
            if (text == _lastText)
            {
                return;
            }

            _lastText = text;
            logger.LogInformation("Model config file {Path} changed; applying it", options.ModelConfigFile);
            await applier.ApplyAsync(ModelConfigFile.Parse(text), cancellationToken).ConfigureAwait(false);
        }
        catch (ServingException ex)
        {
            logger.LogError("Rejected the new model config from {Path}; the running config keeps serving: {Error}", options.ModelConfigFile, ex.Message);
        }
    }

    private string ReadText()
    {
        try
        {
            return File.ReadAllText(options.ModelConfigFile);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw ServingException.InvalidArgument($"Could not read model config file {options.ModelConfigFile}: {ex.Message}");
        }
    }
}
