using NServe.Server.Options;

namespace NServe.Server.Tests.Options;

/// <summary>
/// TF Serving's 48 flags transcribed by hand from ../shared/docs/reference/flags.md (name, type, default as
/// written there), each with its own accessor so a mis-wired entry in ServerFlags cannot hide.
/// </summary>
internal static class DocumentedFlags
{
    public sealed record Row(string Name, string Type, string DocDefault, Func<ServerOptions, object> Property);

    public static readonly Row[] All =
    [
        new("port", "int32", "8500", o => o.Port),
        new("grpc_socket_path", "string", "\"\"", o => o.GrpcSocketPath),
        new("rest_api_port", "int32", "0", o => o.RestApiPort),
        new("rest_api_num_threads", "int32", "4 * NumSchedulableCPUs()", o => o.RestApiNumThreads),
        new("rest_api_timeout_in_ms", "int32", "30000", o => o.RestApiTimeoutInMs),
        new("rest_api_enable_cors_support", "bool", "false", o => o.RestApiEnableCorsSupport),
        new("enable_batching", "bool", "false", o => o.EnableBatching),
        new("allow_version_labels_for_unavailable_models", "bool", "false", o => o.AllowVersionLabelsForUnavailableModels),
        new("batching_parameters_file", "string", "\"\"", o => o.BatchingParametersFile),
        new("enable_per_model_batching_parameters", "bool", "false", o => o.EnablePerModelBatchingParameters),
        new("model_config_file", "string", "\"\"", o => o.ModelConfigFile),
        new("model_config_file_poll_wait_seconds", "int32", "0", o => o.ModelConfigFilePollWaitSeconds),
        new("model_name", "string", "\"default\"", o => o.ModelName),
        new("model_base_path", "string", "\"\"", o => o.ModelBasePath),
        new("num_load_threads", "int32", "0", o => o.NumLoadThreads),
        new("num_unload_threads", "int32", "0", o => o.NumUnloadThreads),
        new("max_num_load_retries", "int32", "5", o => o.MaxNumLoadRetries),
        new("load_retry_interval_micros", "int64", "60000000", o => o.LoadRetryIntervalMicros),
        new("file_system_poll_wait_seconds", "int32", "1", o => o.FileSystemPollWaitSeconds),
        new("flush_filesystem_caches", "bool", "true", o => o.FlushFilesystemCaches),
        new("tensorflow_session_parallelism", "int64", "0", o => o.TensorflowSessionParallelism),
        new("tensorflow_session_config_file", "string", "\"\"", o => o.TensorflowSessionConfigFile),
        new("tensorflow_intra_op_parallelism", "int64", "0", o => o.TensorflowIntraOpParallelism),
        new("tensorflow_inter_op_parallelism", "int64", "0", o => o.TensorflowInterOpParallelism),
        new("use_alts_credentials", "bool", "false", o => o.UseAltsCredentials),
        new("ssl_config_file", "string", "\"\"", o => o.SslConfigFile),
        new("platform_config_file", "string", "\"\"", o => o.PlatformConfigFile),
        new("per_process_gpu_memory_fraction", "float", "0", o => o.PerProcessGpuMemoryFraction),
        new("saved_model_tags", "string", "\"serve\"", o => o.SavedModelTags),
        new("grpc_channel_arguments", "string", "\"\"", o => o.GrpcChannelArguments),
        new("grpc_max_threads", "int32", "4 * NumSchedulableCPUs()", o => o.GrpcMaxThreads),
        new("enable_model_warmup", "bool", "true", o => o.EnableModelWarmup),
        new("num_request_iterations_for_warmup", "int32", "0", o => o.NumRequestIterationsForWarmup),
        new("version", "bool", "false", o => o.Version),
        new("monitoring_config_file", "string", "\"\"", o => o.MonitoringConfigFile),
        new("remove_unused_fields_from_bundle_metagraph", "bool", "true", o => o.RemoveUnusedFieldsFromBundleMetagraph),
        new("prefer_tflite_model", "bool", "false", o => o.PreferTfliteModel),
        new("num_tflite_pools", "int32", "NumSchedulableCPUs()", o => o.NumTflitePools),
        new("num_tflite_interpreters_per_pool", "int32", "1", o => o.NumTfliteInterpretersPerPool),
        new("enable_signature_method_name_check", "bool", "false", o => o.EnableSignatureMethodNameCheck),
        new("xla_cpu_compilation_enabled", "bool", "false", o => o.XlaCpuCompilationEnabled),
        new("xla_gpu_compilation_enabled", "bool", "false", o => o.XlaGpuCompilationEnabled),
        new("enable_profiler", "bool", "true", o => o.EnableProfiler),
        new("thread_pool_factory_config_file", "string", "\"\"", o => o.ThreadPoolFactoryConfigFile),
        new("mixed_precision", "string", "\"\"", o => o.MixedPrecision),
        new("skip_initialize_tpu", "bool", "false", o => o.SkipInitializeTpu),
        new("enable_grpc_healthcheck_service", "bool", "false", o => o.EnableGrpcHealthcheckService),
        new("enable_serialization_as_tensor_content", "bool", "false", o => o.EnableSerializationAsTensorContent),
    ];

    public static IEnumerable<object[]> Names => All.Select(r => new object[] { r.Name });

    public static Row Get(string name) => All.Single(r => r.Name == name);

    /// <summary>The documented default as the CLR value the property should hold.</summary>
    public static object ExpectedDefault(Row row, int cpus) => row.DocDefault switch
    {
        "4 * NumSchedulableCPUs()" => 4 * cpus,
        "NumSchedulableCPUs()" => cpus,
        _ => row.Type switch
        {
            "int32" => int.Parse(row.DocDefault),
            "int64" => long.Parse(row.DocDefault),
            "float" => float.Parse(row.DocDefault),
            "bool" => bool.Parse(row.DocDefault),
            _ => row.DocDefault.Trim('"'),
        },
    };

    /// <summary>A value different from the default, written the TF way, and the CLR value it must give.</summary>
    public static (string Text, object Value) NonDefault(Row row) => row.Type switch
    {
        "int32" => ("12345", 12345),
        "int64" => ("1234567890123", 1234567890123L),
        "float" => ("0.25", 0.25f),
        "bool" => row.DocDefault == "true" ? ("false", false) : ("true", true),
        // Absolute, so path resolution leaves it as is.
        _ => ($"/abs/{row.Name}", $"/abs/{row.Name}"),
    };
}
