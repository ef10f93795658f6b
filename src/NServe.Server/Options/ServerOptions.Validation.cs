namespace NServe.Server.Options;

public sealed partial class ServerOptions
{
    /// <summary>
    /// REST is exported when <c>--rest_api_port</c> is a real port different from <c>--port</c>; otherwise
    /// TF Serving logs an error (see <see cref="Validate"/>'s warnings) and serves gRPC only.
    /// </summary>
    public bool IsRestApiExported => RestApiPort is > 0 and <= 65535 && RestApiPort != Port;

    /// <summary>
    /// The checks of TF Serving's <c>Server::BuildAndStart</c> that need only the flags, in its order.
    /// <see cref="StartupValidation.Errors"/> are the InvalidArgument messages TF returns (main prints
    /// "Failed to start server. Error: ..." and exits -1); <see cref="StartupValidation.Warnings"/> are
    /// what TF only logs before carrying on. Reading the config files, and everything after (duplicate
    /// model names, version labels), is for the code that reads them. Unlike TF, a relative
    /// <c>--model_base_path</c> is not an error (it is resolved at parse time).
    /// </summary>
    public StartupValidation Validate()
    {
        var errors = new List<string>();
        var warnings = new List<string>();

        if (Port == 0 && GrpcSocketPath.Length == 0)
        {
            errors.Add("At least one of server_options.grpc_port or server_options.grpc_socket_path must be set.");
        }
        else if (Port is < 0 or > 65535)
        {
            // TF hands the port to gRPC, whose BuildAndStart then fails with this message.
            errors.Add($"Failed to BuildAndStart gRPC server (--port={Port} is not a TCP port number).");
        }

        if (UseAltsCredentials && SslConfigFile.Length > 0)
        {
            errors.Add("Either use_alts_credentials must be false or ssl_config_file must be empty.");
        }

        if (ModelBasePath.Length == 0 && ModelConfigFile.Length == 0)
        {
            errors.Add("Both server_options.model_base_path and server_options.model_config_file are empty!");
        }
        else if (ModelConfigFile.Length > 0 && ModelBasePath.Length > 0)
        {
            // TF ignores them silently; saying so costs nothing and saves a puzzled operator.
            warnings.Add("--model_config_file is set, so --model_name and --model_base_path are ignored.");
        }

        // TF builds the platform config from these flags only without --platform_config_file.
        if (PlatformConfigFile.Length == 0)
        {
            if (!EnableBatching && BatchingParametersFile.Length > 0)
            {
                errors.Add("server_options.batching_parameters_file is set without setting server_options.enable_batching to true.");
            }
            if (TensorflowIntraOpParallelism > 0 && TensorflowInterOpParallelism > 0 && TensorflowSessionParallelism > 0)
            {
                errors.Add(
                    "Either configure server_options.tensorflow_session_parallelism or (server_options.tensorflow_intra_op_parallelism, " +
                    "server_options.tensorflow_inter_op_parallelism) separately. You cannot configure all.");
            }
        }

        if (RestApiPort != 0)
        {
            if (RestApiPort == Port)
            {
                warnings.Add("server_options.http_port cannot be same as grpc_port. Please use a different port for HTTP/REST API. Skipped exporting HTTP/REST API.");
            }
            else if (RestApiPort is < 0 or > 65535)
            {
                warnings.Add($"Failed to start HTTP Server at localhost:{RestApiPort} (--rest_api_port={RestApiPort} is not a TCP port number).");
            }
        }

        errors.AddRange(LimitErrors());
        ValidateDevice(errors, warnings);
        return new StartupValidation(errors, warnings);
    }
}
