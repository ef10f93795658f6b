namespace NServe.Server.Options;

/// <summary>
/// THE table of which flags NServe acts on. Every flag is accepted (so TF Serving command lines start
/// NServe unchanged); a flag set on the command line but not acted on gets a startup warning naming it.
/// When a feature lands, flip its entry to <c>true</c> here, in the same commit as the feature.
/// </summary>
public static class FlagSupport
{
    private static readonly Dictionary<string, bool> ActedOnByName = new(StringComparer.Ordinal)
    {
        ["port"] = true,
        ["grpc_socket_path"] = true,
        ["rest_api_port"] = true,
        ["rest_api_num_threads"] = true,
        ["rest_api_timeout_in_ms"] = true,
        ["rest_api_enable_cors_support"] = true,
        ["enable_batching"] = true,
        ["allow_version_labels_for_unavailable_models"] = true,
        ["batching_parameters_file"] = true,
        ["enable_per_model_batching_parameters"] = true,
        ["model_config_file"] = true,
        ["model_config_file_poll_wait_seconds"] = true,
        ["model_name"] = true,
        ["model_base_path"] = true,
        ["num_load_threads"] = true,
        ["num_unload_threads"] = false,
        ["max_num_load_retries"] = true,
        ["load_retry_interval_micros"] = true,
        ["file_system_poll_wait_seconds"] = true,
        ["flush_filesystem_caches"] = false,
        ["tensorflow_session_parallelism"] = false,
        ["tensorflow_session_config_file"] = false,
        ["tensorflow_intra_op_parallelism"] = true,
        ["tensorflow_inter_op_parallelism"] = true,
        ["use_alts_credentials"] = false,
        ["ssl_config_file"] = true,
        ["platform_config_file"] = false,
        ["per_process_gpu_memory_fraction"] = true, // with --device=cuda: the CUDA provider's gpu_mem_limit
        ["saved_model_tags"] = true,
        ["grpc_channel_arguments"] = false,
        ["grpc_max_threads"] = false,
        ["enable_model_warmup"] = true,
        ["num_request_iterations_for_warmup"] = true,
        ["version"] = true, // handled by Program before the server starts
        ["monitoring_config_file"] = true,
        ["remove_unused_fields_from_bundle_metagraph"] = false,
        ["prefer_tflite_model"] = false,
        ["num_tflite_pools"] = false,
        ["num_tflite_interpreters_per_pool"] = false,
        ["enable_signature_method_name_check"] = true,
        ["xla_cpu_compilation_enabled"] = false,
        ["xla_gpu_compilation_enabled"] = false,
        ["enable_profiler"] = false,
        ["thread_pool_factory_config_file"] = false,
        ["mixed_precision"] = false,
        ["skip_initialize_tpu"] = false,
        ["enable_grpc_healthcheck_service"] = true,
        ["enable_serialization_as_tensor_content"] = true,
        ["shutdown_grace_period_seconds"] = true,
        ["rest_api_ssl_config_file"] = true,
        ["inference_token_file"] = true,
        ["admin_token_file"] = true,
        ["log_format"] = true,
        ["otlp_endpoint"] = true,
        ["model_cache_dir"] = true,
        ["device"] = true,
        ["cudnn_conv_algo_search"] = true,
        ["num_gpu_instances"] = true,
        ["ort_thread_spinning"] = true,
        ["rest_api_max_body_bytes"] = true,
        ["rest_api_max_decompressed_bytes"] = true,
        ["rest_api_max_json_depth"] = true,
        ["max_tensor_elements"] = true,
        ["grpc_max_receive_message_bytes"] = true,
        ["grpc_max_send_message_bytes"] = true,
    };

    /// <summary>True when NServe implements what <c>--<paramref name="flagName"/></c> controls.</summary>
    /// <exception cref="ArgumentException">The flag is not in the table (every flag must be).</exception>
    public static bool IsActedOn(string flagName) =>
        ActedOnByName.TryGetValue(flagName, out var acted)
            ? acted
            : throw new ArgumentException($"--{flagName} has no entry in FlagSupport.", nameof(flagName));

    /// <summary>
    /// The flags among <paramref name="explicitlySetFlags"/> (names without dashes, e.g. from
    /// <see cref="FlagParseResult.ExplicitlySetFlags"/>) that NServe does not act on, in the given order,
    /// each once.
    /// </summary>
    public static IReadOnlyList<string> UnactedFlags(IEnumerable<string> explicitlySetFlags) =>
        explicitlySetFlags.Distinct(StringComparer.Ordinal).Where(name => !IsActedOn(name)).ToList();

    /// <summary>The startup warning for a flag that is set but not acted on.</summary>
    public static string UnactedWarning(string flagName) =>
        $"--{flagName} is accepted for compatibility with TensorFlow Serving but NServe does not act on it yet; it has no effect.";
}
