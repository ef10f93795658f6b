using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NServe.Core.Management;
using NServe.Core.Servables;
using NServe.Core.Batching;
using NServe.Core.Errors;
using NServe.Core.Inference;
using NServe.Core.RequestLogging;
using NServe.Core.Sources;
using NServe.Core.Warmup;
using NServe.Onnx;
using NServe.Server.Grpc;
using NServe.Server.KServe;
using NServe.Server.Metrics;
using NServe.Server.Options;
using NServe.Server.Rest;
using NServe.Server.Security;
using NServe.Server.Tracing;
using NServe.TensorFlow;
using NServe.Server.Serving;
using NServe.Storage;

namespace NServe.Server.Hosting;

/// <summary>
/// Puts the server together from its options: the manager and its loaders, the model source, Kestrel on
/// the gRPC port (HTTP/2), the REST port (HTTP/1.1) and the optional Unix socket, and the endpoints.
/// </summary>
public static class ServerHost
{
    public static async Task<int> RunAsync(ServerOptions options, ILoggerFactory loggerFactory, CancellationToken stopping)
    {
        var logger = loggerFactory.CreateLogger("NServe");
        var runtime = new OnnxRuntimeOptions
        {
            IntraOpThreads = (int)options.TensorflowIntraOpParallelism,
            InterOpThreads = (int)options.TensorflowInterOpParallelism,
            AllowSpinning = options.OrtThreadsSpin,
        };
        NativeMemoryTrim.ConfigureForServing();
        try
        {
            // Before any model loads: --device=cuda that cannot work stops here, naming what is missing.
            runtime = ExecutionDeviceSetup.Prepare(options, runtime, loggerFactory);
        }
        catch (ServingException ex)
        {
            logger.LogCritical("{Error}", ex.Message);
            await Console.Error.WriteLineAsync(ex.Message).ConfigureAwait(false);
            return 1;
        }

        using var metrics = new ServerMetrics();
        BatchingServableFactory? batching;
        try
        {
            // TF Serving ignores --enable_batching when a platform config file is given; so does NServe.
            batching = options.EnableBatching && options.PlatformConfigFile.Length == 0
                ? new BatchingServableFactory(
                    BatchingServableFactory.ReadServerOptions(options.BatchingParametersFile),
                    options.EnablePerModelBatchingParameters,
                    new BatchingMetricsObserver(metrics.Batching))
                : null;
        }
        catch (ServingException ex)
        {
            logger.LogCritical("{Error}", ex.Message);
            await Console.Error.WriteLineAsync(ex.Message).ConfigureAwait(false);
            return 1;
        }

        // Disposed after the manager (declared before it), so no batch runs on a stopped scheduler.
        using var batchingScope = batching;
        var examples = new ExampleInference(options.EnableSignatureMethodNameCheck);

        // Disposed last, after the requests in flight have finished writing to them.
        using var requestLoggers = new RequestLoggers();
        IServableLoader[] loaders = metrics.Measure([new OnnxLoader(runtime), new TensorFlowLoader(runtime, options.SavedModelTags)]);
        var manager = new ServableManager(
            loaders,
            new ManagerOptions
            {
                NumLoadThreads = options.NumLoadThreads,
                MaxLoadRetries = options.MaxNumLoadRetries,
                LoadRetryInterval = TimeSpan.FromTicks(Math.Max(0, options.LoadRetryIntervalMicros) * 10),
                Decorate = batching is null ? null : batching.Decorate,
                Warmup = options.EnableModelWarmup
                    ? new WarmupReplayer(
                        new WarmupOptions
                        {
                            NumRequestIterations = options.NumRequestIterationsForWarmup,
                            Classify = examples.ClassifyAsync,
                            Regress = examples.RegressAsync,
                            MultiInference = examples.MultiInferenceAsync,
                        },
                        loggerFactory.CreateLogger<WarmupReplayer>()).WarmUpAsync
                    : null,
            },
            loggerFactory.CreateLogger<ServableManager>());
        await using var managerScope = manager.ConfigureAwait(false);

        var source = new FileSystemSource(
            manager,
            TimeSpan.FromSeconds(options.FileSystemPollWaitSeconds),
            loggerFactory.CreateLogger<FileSystemSource>(),
            ModelStorages(options));
        var applier = new ModelConfigApplier(
            manager,
            source,
            new ModelConfigApplierOptions
            {
                AllowLabelsForUnavailableModels = options.AllowVersionLabelsForUnavailableModels,
                RequestLoggers = requestLoggers,
                Platforms = loaders.Select(l => l.Platform).ToList(),
                Reloaded = batching is null ? null : () => ApplyBatchingParameters(batching, options.BatchingParametersFile, logger),
            },
            loggerFactory.CreateLogger<ModelConfigApplier>());
        var configSource = new ModelConfigSource(options, applier, loggerFactory.CreateLogger<ModelConfigSource>());

        // Like TF Serving, open the ports only once the first versions have loaded (or failed).
        try
        {
            await applier.ApplyAsync(configSource.ReadInitial(), stopping).ConfigureAwait(false);
        }
        catch (ServingException ex)
        {
            logger.LogCritical("{Error}", ex.Message);
            await Console.Error.WriteLineAsync(ex.Message).ConfigureAwait(false);
            return 1;
        }

        foreach (var model in manager.ModelNames)
        {
            if (manager.GetVersionStatuses(model).All(s => s.State != ServableState.Available))
            {
                logger.LogWarning("Model {Model} has no available version yet; its status shows why", model);
            }
        }

        TlsSettings? grpcTls;
        TlsSettings? restTls;
        BearerTokens tokens;
        try
        {
            grpcTls = options.SslConfigFile.Length > 0 ? TlsSettings.Load(options.SslConfigFile) : null;
            restTls = options.RestApiSslConfigFile.Length > 0 ? TlsSettings.Load(options.RestApiSslConfigFile) : null;
            tokens = BearerTokens.Load(options.InferenceTokenFile, options.AdminTokenFile);
            metrics.ReadMonitoringConfig(options);
        }
        catch (ServingException ex)
        {
            logger.LogCritical("{Error}", ex.Message);
            await Console.Error.WriteLineAsync(ex.Message).ConfigureAwait(false);
            return 1;
        }

        var app = Build(options, manager, applier, new HostSecurity(grpcTls, restTls, tokens), metrics, loggerFactory, examples, new RequestLogRecorder(requestLoggers), runtime.Device.ProviderName);
        using var running = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var polling = source.RunAsync(running.Token);
        var configPolling = configSource.RunAsync(running.Token);
        await app.StartAsync(stopping).ConfigureAwait(false);
        if (options.Port != 0)
        {
            logger.LogInformation("Running gRPC ModelServer at 0.0.0.0:{Port} ...", options.Port);
        }

        if (options.GrpcSocketPath.Length > 0)
        {
            logger.LogInformation("Running gRPC ModelServer at UNIX socket {Path} ...", options.GrpcSocketPath);
        }

        if (options.IsRestApiExported)
        {
            logger.LogInformation("Exporting HTTP/REST API at:localhost:{Port} ...", options.RestApiPort);
        }

        // Returns once SIGTERM/SIGINT has stopped Kestrel and the requests in flight have finished.
        await app.WaitForShutdownAsync(stopping).ConfigureAwait(false);
        await running.CancelAsync().ConfigureAwait(false);
        await polling.ConfigureAwait(false);
        await configPolling.ConfigureAwait(false);
        await app.DisposeAsync().ConfigureAwait(false);
        logger.LogInformation("Server stopped");
        return 0;
    }

    /// <summary>Local folders, S3 and Azure Blob base paths; remote versions are copied under --model_cache_dir.</summary>
    private static ModelStorageRegistry ModelStorages(ServerOptions options) =>
        (options.ModelCacheDir.Length > 0 ? new ModelStorageRegistry(options.ModelCacheDir) : new ModelStorageRegistry()).AddCloudStorage();

    /// <summary>On config reload: edited batching parameters apply to the versions being served (docs/batching.md).</summary>
    private static void ApplyBatchingParameters(BatchingServableFactory batching, string parametersFile, ILogger logger)
    {
        var (changed, errors) = batching.ApplyChangedParameters(parametersFile);
        foreach (var error in errors)
        {
            logger.LogError("Batching parameters not changed: {Error}", error);
        }

        if (changed > 0)
        {
            logger.LogInformation("Batching parameters changed for {Count} servable version(s)", changed);
        }
    }

    private static WebApplication Build(ServerOptions options, ServableManager manager, ModelConfigApplier applier, HostSecurity security, ServerMetrics metrics, ILoggerFactory loggerFactory, ExampleInference examples, RequestLogRecorder requestLog, string executionProvider)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggerFactory);

        // SIGTERM/SIGINT: Kestrel stops accepting and waits this long for requests in flight.
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(Math.Max(0, options.ShutdownGracePeriodSeconds)));
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = null;
            if (options.Port != 0)
            {
                kestrel.ListenAnyIP(options.Port, listen =>
                {
                    listen.Protocols = HttpProtocols.Http2;
                    if (security.GrpcTls is { } tls)
                    {
                        listen.UseHttps(tls.Apply);
                    }
                });
            }

            if (options.IsRestApiExported)
            {
                kestrel.ListenAnyIP(options.RestApiPort, listen =>
                {
                    listen.Protocols = HttpProtocols.Http1;
                    if (security.RestTls is { } tls)
                    {
                        listen.UseHttps(tls.Apply);
                    }
                });
            }

            if (options.GrpcSocketPath.Length > 0)
            {
                if (File.Exists(options.GrpcSocketPath))
                {
                    File.Delete(options.GrpcSocketPath);
                }

                kestrel.ListenUnixSocket(options.GrpcSocketPath, listen => listen.Protocols = HttpProtocols.Http2);
            }
        });

        if (TracingSetup.Endpoint(options.OtlpEndpoint) is { } otlp)
        {
            TracingSetup.AddTracing(builder.Services, otlp, typeof(ServerHost).Assembly.GetName().Version?.ToString() ?? "");
        }

        builder.Services.AddSingleton(manager);
        builder.Services.AddSingleton(applier);
        builder.Services.AddSingleton<ModelStatusReader>();
        builder.Services.AddServerMetrics(metrics, manager);
        builder.Services.AddSingleton(new RestApiOptions
        {
            TimeoutMilliseconds = options.RestApiTimeoutInMs,
            EnableCors = options.RestApiEnableCorsSupport,
            Limits = options.Limits,
        });
        builder.Services.AddSingleton(examples);
        builder.Services.AddSingleton(requestLog);
        builder.Services.AddSingleton<RestClassifyRegressHandler>();
        builder.Services.AddSingleton<RestApiHandler>();
        builder.Services.AddSingleton(security.Tokens);
        builder.Services.AddSingleton<RestPortDispatcher>();
        builder.Services.AddKServe(executionProvider);
        builder.Services.AddSingleton(new GrpcApiOptions { SerializeAsTensorContent = options.EnableSerializationAsTensorContent, MaxTensorElements = options.MaxTensorElements });
        builder.Services.AddGrpc(grpc =>
        {
            grpc.Interceptors.Add<GrpcMetricsInterceptor>();
            grpc.Interceptors.Add<ServingExceptionInterceptor>();
            grpc.Interceptors.Add<BearerTokenInterceptor>();
            grpc.MaxReceiveMessageSize = options.GrpcMaxReceiveMessageBytes;
            grpc.MaxSendMessageSize = options.GrpcMaxSendMessageBytes;
            grpc.EnableDetailedErrors = false;
        });

        // gRPC activates a service or interceptor that DI does not hold anew on every call; these are stateless.
        builder.Services.AddSingleton<ServingExceptionInterceptor>();
        builder.Services.AddSingleton<BearerTokenInterceptor>();
        builder.Services.AddSingleton<PredictionServiceImpl>();

        var app = builder.Build();
        var restPort = options.IsRestApiExported ? options.RestApiPort : 0;
        var dispatcher = app.Services.GetRequiredService<RestPortDispatcher>();
        app.Use((context, next) => restPort != 0 && context.Connection.LocalPort == restPort
            ? dispatcher.DispatchAsync(context)
            : next(context));
        app.MapGrpcService<PredictionServiceImpl>();
        app.MapGrpcService<ModelServiceImpl>();
        app.MapGrpcService<GrpcInferenceServiceImpl>();
        if (options.EnableGrpcHealthcheckService)
        {
            app.MapGrpcService<HealthServiceImpl>();
        }

        return app;
    }

    /// <summary>TLS per port and bearer tokens, read and checked before the server starts.</summary>
    private sealed record HostSecurity(TlsSettings? GrpcTls, TlsSettings? RestTls, BearerTokens Tokens);
}
