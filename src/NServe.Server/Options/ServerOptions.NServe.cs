namespace NServe.Server.Options;

/// <summary>Flags NServe adds beyond TF Serving's 48; all default to TF Serving's behaviour or to off.</summary>
public sealed partial class ServerOptions
{
    /// <summary><c>--shutdown_grace_period_seconds</c>: how long requests in flight may finish after SIGTERM.</summary>
    public int ShutdownGracePeriodSeconds { get; set; } = 30;

    /// <summary><c>--rest_api_ssl_config_file</c>: SSLConfig for TLS on the REST port.</summary>
    public string RestApiSslConfigFile { get; set; } = "";

    /// <summary><c>--inference_token_file</c>: bearer token required for inference calls.</summary>
    public string InferenceTokenFile { get; set; } = "";

    /// <summary><c>--admin_token_file</c>: bearer token required for admin calls.</summary>
    public string AdminTokenFile { get; set; } = "";

    /// <summary><c>--log_format</c>: <c>plain</c> or <c>json</c>.</summary>
    public string LogFormat { get; set; } = "plain";

    /// <summary><c>--otlp_endpoint</c>: where to send traces (OTLP over HTTP).</summary>
    public string OtlpEndpoint { get; set; } = "";

    /// <summary><c>--model_cache_dir</c>: where versions of models in object storage are copied before loading.</summary>
    public string ModelCacheDir { get; set; } = "";

    /// <summary><c>--device</c>: <c>cpu</c>, <c>cuda</c> or <c>cuda:N</c> (CUDA needs the GPU build; docs/gpu.md).</summary>
    public string Device { get; set; } = "cpu";

    /// <summary><c>--cudnn_conv_algo_search</c>: <c>exhaustive</c>, <c>heuristic</c> or <c>default</c> (CUDA only).</summary>
    public string CudnnConvAlgoSearch { get; set; } = "exhaustive";

    /// <summary><c>--num_gpu_instances</c>: sessions per model on the GPU, taken round-robin (CUDA only).</summary>
    public int NumGpuInstances { get; set; } = 1;

    /// <summary><c>--ort_thread_spinning</c>: <c>auto</c> (off with --enable_batching, else on), <c>on</c> or <c>off</c>.</summary>
    public string OrtThreadSpinning { get; set; } = "auto";

    /// <summary>
    /// Whether ORT's pool threads spin between runs. Spinning saves a wake-up per parallel operator (lower latency
    /// for one request at a time), but with batching the batch threads and the request threads need those
    /// cores: spinning off measured 1.4x the batching throughput (docs/performance.md, section 2).
    /// </summary>
    public bool OrtThreadsSpin => OrtThreadSpinning switch
    {
        "on" => true,
        "off" => false,
        _ => !EnableBatching,
    };
}
