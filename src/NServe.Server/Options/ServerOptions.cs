namespace NServe.Server.Options;

/// <summary>
/// Every command-line flag of <c>tensorflow_model_server</c>, with TF Serving's names (in PascalCase) and
/// defaults (main.cc flag list + <c>Server::Options</c>). Filled by <see cref="ServerFlagParser"/>; which
/// flags NServe acts on is listed in <see cref="FlagSupport"/>.
/// </summary>
public sealed partial class ServerOptions
{
    /// <summary>Defaults that depend on the CPU count use <see cref="Environment.ProcessorCount"/>.</summary>
    public ServerOptions()
        : this(Environment.ProcessorCount)
    {
    }

    /// <summary>
    /// Defaults for a host with <paramref name="schedulableCpus"/> CPUs (TF's <c>NumSchedulableCPUs()</c>);
    /// used by <c>--rest_api_num_threads</c>, <c>--grpc_max_threads</c> and <c>--num_tflite_pools</c>.
    /// </summary>
    public ServerOptions(int schedulableCpus)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(schedulableCpus, 1);
        RestApiNumThreads = 4 * schedulableCpus;
        GrpcMaxThreads = 4 * schedulableCpus;
        NumTflitePools = schedulableCpus;
    }

    /// <summary><c>--port</c> (int32, 8500): TCP port of the gRPC API on 0.0.0.0; 0 disables TCP gRPC
    /// (then <c>--grpc_socket_path</c> must be set).</summary>
    public int Port { get; set; } = 8500;

    /// <summary><c>--grpc_socket_path</c> (string, ""): if non-empty, also serve gRPC on this UNIX socket
    /// (relative or absolute path).</summary>
    public string GrpcSocketPath { get; set; } = "";

    /// <summary><c>--rest_api_port</c> (int32, 0): HTTP/REST port; 0 disables REST. Must differ from
    /// <c>--port</c>, otherwise REST is skipped with an error log and the server still runs.</summary>
    public int RestApiPort { get; set; }

    /// <summary><c>--rest_api_num_threads</c> (int32, 4 × CPUs): threads for HTTP/REST processing.</summary>
    public int RestApiNumThreads { get; set; }

    /// <summary><c>--rest_api_timeout_in_ms</c> (int32, 30000): timeout of a REST call; applied when &gt; 0.</summary>
    public int RestApiTimeoutInMs { get; set; } = 30000;

    /// <summary><c>--rest_api_enable_cors_support</c> (bool, false): add CORS headers to REST responses.</summary>
    public bool RestApiEnableCorsSupport { get; set; }

    /// <summary><c>--enable_batching</c> (bool, false): batch requests across callers.</summary>
    public bool EnableBatching { get; set; }

    /// <summary><c>--allow_version_labels_for_unavailable_models</c> (bool, false): allow assigning a new,
    /// unused version label to a version that is not AVAILABLE yet.</summary>
    public bool AllowVersionLabelsForUnavailableModels { get; set; }

    /// <summary><c>--batching_parameters_file</c> (string, ""): text-format BatchingParameters; requires
    /// <c>--enable_batching</c>.</summary>
    public string BatchingParametersFile { get; set; } = "";

    /// <summary><c>--enable_per_model_batching_parameters</c> (bool, false): read
    /// <c>batching_params.pbtxt</c> from each model version directory (only with <c>--enable_batching</c>).</summary>
    public bool EnablePerModelBatchingParameters { get; set; }

    /// <summary><c>--model_config_file</c> (string, ""): text-format ModelServerConfig; when set,
    /// <c>--model_name</c> and <c>--model_base_path</c> are ignored.</summary>
    public string ModelConfigFile { get; set; } = "";

    /// <summary><c>--model_config_file_poll_wait_seconds</c> (int32, 0): interval for re-reading
    /// <c>--model_config_file</c>; 0 reads it once at startup.</summary>
    public int ModelConfigFilePollWaitSeconds { get; set; }

    /// <summary><c>--model_name</c> (string, "default"): model name in single-model mode.</summary>
    public string ModelName { get; set; } = "default";

    /// <summary><c>--model_base_path</c> (string, ""): directory holding the numeric version folders in
    /// single-model mode. NServe resolves a relative path against the working directory (TF refuses it).</summary>
    public string ModelBasePath { get; set; } = "";

    /// <summary><c>--num_load_threads</c> (int32, 0): threads for loading servables; 0 loads serially.</summary>
    public int NumLoadThreads { get; set; }

    /// <summary><c>--num_unload_threads</c> (int32, 0): threads for unloading servables; 0 unloads serially.</summary>
    public int NumUnloadThreads { get; set; }

    /// <summary><c>--max_num_load_retries</c> (int32, 5): retries after a failed load; 0 = one attempt.</summary>
    public int MaxNumLoadRetries { get; set; } = 5;

    /// <summary><c>--load_retry_interval_micros</c> (int64, 60000000 = 1 min): wait between load retries;
    /// negative = no wait.</summary>
    public long LoadRetryIntervalMicros { get; set; } = 60_000_000;

    /// <summary><c>--file_system_poll_wait_seconds</c> (int32, 1): interval between polls of the base paths
    /// for new versions; 0 polls once, negative never polls.</summary>
    public int FileSystemPollWaitSeconds { get; set; } = 1;

    /// <summary><c>--flush_filesystem_caches</c> (bool, true): flush file-system caches after loads.</summary>
    public bool FlushFilesystemCaches { get; set; } = true;

    /// <summary><c>--tensorflow_session_parallelism</c> (int64, 0): sets both intra- and inter-op threads;
    /// 0 = automatic.</summary>
    public long TensorflowSessionParallelism { get; set; }

    /// <summary><c>--tensorflow_session_config_file</c> (string, ""): text-format TF ConfigProto for sessions.</summary>
    public string TensorflowSessionConfigFile { get; set; } = "";

    /// <summary><c>--tensorflow_intra_op_parallelism</c> (int64, 0): threads that parallelize one op;
    /// 0 = automatic.</summary>
    public long TensorflowIntraOpParallelism { get; set; }

    /// <summary><c>--tensorflow_inter_op_parallelism</c> (int64, 0): ops run concurrently; 0 = automatic.</summary>
    public long TensorflowInterOpParallelism { get; set; }

    /// <summary><c>--use_alts_credentials</c> (bool, false): Google ALTS credentials for gRPC; exclusive
    /// with <c>--ssl_config_file</c>.</summary>
    public bool UseAltsCredentials { get; set; }

    /// <summary><c>--ssl_config_file</c> (string, ""): text-format SSLConfig enabling TLS on gRPC.</summary>
    public string SslConfigFile { get; set; } = "";

    /// <summary><c>--platform_config_file</c> (string, ""): text-format PlatformConfigMap replacing the
    /// platform configuration built from flags.</summary>
    public string PlatformConfigFile { get; set; } = "";

    /// <summary><c>--per_process_gpu_memory_fraction</c> (float, 0): share of GPU memory to take; 0 lets
    /// the runtime choose, 1 allocates all at start.</summary>
    public float PerProcessGpuMemoryFraction { get; set; }

    /// <summary><c>--saved_model_tags</c> (string, "serve"): comma-separated tag set of the MetaGraphDef
    /// to load.</summary>
    public string SavedModelTags { get; set; } = "serve";

    /// <summary><c>--grpc_channel_arguments</c> (string, ""): comma-separated <c>key=value</c> gRPC server
    /// arguments.</summary>
    public string GrpcChannelArguments { get; set; } = "";

    /// <summary><c>--grpc_max_threads</c> (int32, 4 × CPUs): maximum gRPC server threads.</summary>
    public int GrpcMaxThreads { get; set; }

    /// <summary><c>--enable_model_warmup</c> (bool, true): replay
    /// <c>assets.extra/tf_serving_warmup_requests</c> when a version loads.</summary>
    public bool EnableModelWarmup { get; set; } = true;

    /// <summary><c>--num_request_iterations_for_warmup</c> (int32, 0): replays per warmup record; used
    /// only when &gt; 0.</summary>
    public int NumRequestIterationsForWarmup { get; set; }

    /// <summary><c>--version</c> (bool, false): print the version and exit.</summary>
    public bool Version { get; set; }

    /// <summary><c>--monitoring_config_file</c> (string, ""): text-format MonitoringConfig (Prometheus
    /// endpoint on the REST port); read only when REST is enabled.</summary>
    public string MonitoringConfigFile { get; set; } = "";

    /// <summary><c>--remove_unused_fields_from_bundle_metagraph</c> (bool, true): drop unused MetaGraphDef
    /// fields after loading.</summary>
    public bool RemoveUnusedFieldsFromBundleMetagraph { get; set; } = true;

    /// <summary><c>--prefer_tflite_model</c> (bool, false): experimental; load <c>model.tflite</c> instead
    /// of <c>saved_model.pb</c> when present.</summary>
    public bool PreferTfliteModel { get; set; }

    /// <summary><c>--num_tflite_pools</c> (int32, CPUs): experimental; number of TFLite interpreter pools.</summary>
    public int NumTflitePools { get; set; }

    /// <summary><c>--num_tflite_interpreters_per_pool</c> (int32, 1): experimental; interpreters per pool.</summary>
    public int NumTfliteInterpretersPerPool { get; set; } = 1;

    /// <summary><c>--enable_signature_method_name_check</c> (bool, false): enforce
    /// SignatureDef.method_name for predict/classify/regress.</summary>
    public bool EnableSignatureMethodNameCheck { get; set; }

    /// <summary><c>--xla_cpu_compilation_enabled</c> (bool, false): experimental; enable XLA:CPU JIT.</summary>
    public bool XlaCpuCompilationEnabled { get; set; }

    /// <summary><c>--xla_gpu_compilation_enabled</c> (bool, false): experimental; enable XLA:CPU and
    /// XLA:GPU JIT.</summary>
    public bool XlaGpuCompilationEnabled { get; set; }

    /// <summary><c>--enable_profiler</c> (bool, true): register the profiler gRPC service.</summary>
    public bool EnableProfiler { get; set; } = true;

    /// <summary><c>--thread_pool_factory_config_file</c> (string, ""): text-format ThreadPoolFactoryConfig
    /// for custom inter/intra-op pools.</summary>
    public string ThreadPoolFactoryConfigFile { get; set; } = "";

    /// <summary><c>--mixed_precision</c> (string, ""): mixed precision mode, e.g. <c>bfloat16</c>.</summary>
    public string MixedPrecision { get; set; } = "";

    /// <summary><c>--skip_initialize_tpu</c> (bool, false): TPU builds skip global TPU initialization.</summary>
    public bool SkipInitializeTpu { get; set; }

    /// <summary><c>--enable_grpc_healthcheck_service</c> (bool, false): serve the standard gRPC health
    /// service (SERVING for ModelService and PredictionService).</summary>
    public bool EnableGrpcHealthcheckService { get; set; }

    /// <summary><c>--enable_serialization_as_tensor_content</c> (bool, false): answer Predict with packed
    /// <c>tensor_content</c> instead of typed <c>*_val</c> fields.</summary>
    public bool EnableSerializationAsTensorContent { get; set; }
}
