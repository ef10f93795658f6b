using NServe.Server.Options;

namespace NServe.Server.Tests.Options;

/// <summary>The flag-only checks of TF Serving's Server::BuildAndStart, with its messages.</summary>
public sealed class StartupValidationTests
{
    private const string BothEmpty = "Both server_options.model_base_path and server_options.model_config_file are empty!";
    private const string NoGrpc = "At least one of server_options.grpc_port or server_options.grpc_socket_path must be set.";

    private static StartupValidation Validate(params string[] args)
    {
        var result = ServerFlagParser.Parse(args, "/work", 2);
        Assert.True(result.Succeeded);
        return result.Options.Validate();
    }

    [Fact]
    public void Typical_command_line_is_valid()
    {
        var validation = Validate("--port=8500", "--rest_api_port=8501", "--model_name=m", "--model_base_path=/models/m");

        Assert.True(validation.IsValid);
        Assert.Empty(validation.Warnings);
    }

    [Fact]
    public void Neither_base_path_nor_config_file()
    {
        Assert.Equal([BothEmpty], Validate().Errors);
    }

    [Fact]
    public void Config_file_alone_is_valid()
    {
        Assert.True(Validate("--model_config_file=/etc/models.config").IsValid);
    }

    [Fact]
    public void Both_base_path_and_config_file_is_valid_and_the_config_file_wins()
    {
        var validation = Validate("--model_base_path=/m", "--model_config_file=/c");

        Assert.True(validation.IsValid);
        Assert.Contains("--model_name and --model_base_path are ignored", Assert.Single(validation.Warnings));
    }

    [Fact]
    public void Port_zero_without_socket_path()
    {
        Assert.Equal([NoGrpc], Validate("--port=0", "--model_base_path=/m").Errors);
    }

    [Fact]
    public void Port_zero_with_socket_path_is_valid()
    {
        Assert.True(Validate("--port=0", "--grpc_socket_path=/tmp/s.sock", "--model_base_path=/m").IsValid);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(65536)]
    public void Port_out_of_range(int port)
    {
        var error = Assert.Single(Validate($"--port={port}", "--model_base_path=/m").Errors);
        Assert.StartsWith("Failed to BuildAndStart gRPC server", error);
        Assert.Contains($"--port={port}", error);
    }

    [Fact]
    public void Alts_and_ssl_together()
    {
        Assert.Equal(
            ["Either use_alts_credentials must be false or ssl_config_file must be empty."],
            Validate("--use_alts_credentials", "--ssl_config_file=/ssl.cfg", "--model_base_path=/m").Errors);
    }

    [Fact]
    public void Batching_parameters_without_batching()
    {
        Assert.Equal(
            ["server_options.batching_parameters_file is set without setting server_options.enable_batching to true."],
            Validate("--batching_parameters_file=/b.cfg", "--model_base_path=/m").Errors);
        Assert.True(Validate("--batching_parameters_file=/b.cfg", "--enable_batching", "--model_base_path=/m").IsValid);
    }

    [Fact]
    public void All_three_parallelism_flags()
    {
        var error = Assert.Single(Validate(
            "--tensorflow_intra_op_parallelism=2", "--tensorflow_inter_op_parallelism=2",
            "--tensorflow_session_parallelism=2", "--model_base_path=/m").Errors);
        Assert.StartsWith("Either configure server_options.tensorflow_session_parallelism or", error);
        Assert.EndsWith("You cannot configure all.", error);

        Assert.True(Validate("--tensorflow_intra_op_parallelism=2", "--tensorflow_session_parallelism=2", "--model_base_path=/m").IsValid);
    }

    [Fact]
    public void Platform_config_file_skips_the_checks_on_flags_it_replaces()
    {
        var validation = Validate(
            "--platform_config_file=/p.cfg", "--batching_parameters_file=/b.cfg",
            "--tensorflow_intra_op_parallelism=2", "--tensorflow_inter_op_parallelism=2",
            "--tensorflow_session_parallelism=2", "--model_base_path=/m");

        Assert.True(validation.IsValid);
    }

    [Fact]
    public void Errors_come_in_tf_order()
    {
        var errors = Validate("--port=0", "--use_alts_credentials", "--ssl_config_file=/s", "--batching_parameters_file=/b").Errors;

        Assert.Equal(4, errors.Count);
        Assert.Equal(NoGrpc, errors[0]);
        Assert.StartsWith("Either use_alts_credentials", errors[1]);
        Assert.Equal(BothEmpty, errors[2]);
        Assert.StartsWith("server_options.batching_parameters_file", errors[3]);
    }

    [Fact]
    public void Rest_port_equal_to_grpc_port_only_warns_and_disables_rest()
    {
        var result = ServerFlagParser.Parse(["--port=8500", "--rest_api_port=8500", "--model_base_path=/m"], "/work", 2);
        var validation = result.Options.Validate();

        Assert.True(validation.IsValid);
        Assert.Equal(
            ["server_options.http_port cannot be same as grpc_port. Please use a different port for HTTP/REST API. Skipped exporting HTTP/REST API."],
            validation.Warnings);
        Assert.False(result.Options.IsRestApiExported);
    }

    [Fact]
    public void Rest_port_out_of_range_only_warns()
    {
        var result = ServerFlagParser.Parse(["--rest_api_port=70000", "--model_base_path=/m"], "/work", 2);
        var validation = result.Options.Validate();

        Assert.True(validation.IsValid);
        Assert.StartsWith("Failed to start HTTP Server at localhost:70000", Assert.Single(validation.Warnings));
        Assert.False(result.Options.IsRestApiExported);
    }

    [Fact]
    public void Rest_is_exported_only_on_a_distinct_real_port()
    {
        Assert.False(new ServerOptions(1).IsRestApiExported);
        Assert.True(new ServerOptions(1) { RestApiPort = 8501 }.IsRestApiExported);
        Assert.True(new ServerOptions(1) { Port = 0, RestApiPort = 8501 }.IsRestApiExported);
    }

    [Fact]
    public void Relative_base_path_is_accepted_unlike_tf()
    {
        Assert.True(Validate("--model_base_path=examples/half_plus_two").IsValid);
    }
}
