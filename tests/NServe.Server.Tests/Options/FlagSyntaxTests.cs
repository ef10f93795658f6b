using NServe.Server.Options;

namespace NServe.Server.Tests.Options;

/// <summary>Command-line spellings: TF's own (silent) and the gflags extras (accepted with a warning).</summary>
public sealed class FlagSyntaxTests
{
    private static FlagParseResult Parse(params string[] args) => ServerFlagParser.Parse(args, "/work", 2);

    [Fact]
    public void Tf_form_name_equals_value_is_silent()
    {
        var result = Parse("--port=9000", "--model_name=resnet", "--load_retry_interval_micros=-1", "--per_process_gpu_memory_fraction=0.5");

        Assert.Empty(result.Warnings);
        Assert.Empty(result.Errors);
        Assert.Equal(9000, result.Options.Port);
        Assert.Equal("resnet", result.Options.ModelName);
        Assert.Equal(-1L, result.Options.LoadRetryIntervalMicros);
        Assert.Equal(0.5f, result.Options.PerProcessGpuMemoryFraction);
    }

    [Fact]
    public void Bare_bool_flag_means_true()
    {
        var result = Parse("--enable_batching");

        Assert.Empty(result.Warnings);
        Assert.True(result.Options.EnableBatching);
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("TRUE", true)]
    [InlineData("True", true)]
    [InlineData("1", true)]
    [InlineData("false", false)]
    [InlineData("False", false)]
    [InlineData("0", false)]
    public void Bool_values_tf_accepts_are_silent(string text, bool expected)
    {
        var result = Parse($"--flush_filesystem_caches={text}", $"--enable_batching={text}");

        Assert.Empty(result.Warnings);
        Assert.Equal(expected, result.Options.FlushFilesystemCaches);
        Assert.Equal(expected, result.Options.EnableBatching);
    }

    [Theory]
    [InlineData("yes", true)]
    [InlineData("Y", true)]
    [InlineData("t", true)]
    [InlineData("no", false)]
    [InlineData("N", false)]
    [InlineData("f", false)]
    public void Gflags_bool_spellings_are_accepted_with_a_portability_warning(string text, bool expected)
    {
        var result = Parse($"--enable_batching={text}");

        Assert.Empty(result.Errors);
        Assert.Equal(expected, result.Options.EnableBatching);
        var warning = Assert.Single(result.Warnings);
        Assert.Contains($"--enable_batching={text}", warning);
        Assert.Contains("TensorFlow Serving", warning);
    }

    [Fact]
    public void No_prefix_sets_a_bool_false_with_a_warning()
    {
        var result = Parse("--noflush_filesystem_caches", "--noenable_model_warmup");

        Assert.False(result.Options.FlushFilesystemCaches);
        Assert.False(result.Options.EnableModelWarmup);
        Assert.Equal(["flush_filesystem_caches", "enable_model_warmup"], result.ExplicitlySetFlags);
        Assert.Equal(2, result.Warnings.Count);
        Assert.Contains("--flush_filesystem_caches=false", result.Warnings[0]);
    }

    [Fact]
    public void No_prefix_on_a_non_bool_flag_or_with_a_value_is_unknown()
    {
        var result = Parse("--noport", "--noenable_batching=true");

        Assert.Equal(["--noport", "--noenable_batching=true"], result.UnknownArguments);
        Assert.Equal(8500, result.Options.Port);
        Assert.False(result.Options.EnableBatching);
    }

    [Fact]
    public void Single_dash_is_accepted_with_a_warning()
    {
        var result = Parse("-port=9000", "-enable_batching", "-model_name", "m");

        Assert.Empty(result.Errors);
        Assert.Equal(9000, result.Options.Port);
        Assert.True(result.Options.EnableBatching);
        Assert.Equal("m", result.Options.ModelName);
        Assert.Contains(result.Warnings, w => w.StartsWith("-port=9000:", StringComparison.Ordinal) && w.Contains("two dashes"));
        Assert.Contains(result.Warnings, w => w.StartsWith("-enable_batching:", StringComparison.Ordinal));
        Assert.Empty(result.UnknownArguments);
    }

    [Fact]
    public void Separate_value_is_taken_with_a_warning()
    {
        var result = Parse("--rest_api_port", "8501", "--model_base_path", "/models/m", "--model_name", "half");

        Assert.Equal(8501, result.Options.RestApiPort);
        Assert.Equal("/models/m", result.Options.ModelBasePath);
        Assert.Equal("half", result.Options.ModelName);
        Assert.Empty(result.UnknownArguments);
        Assert.Equal(3, result.Warnings.Count);
        Assert.Contains("--rest_api_port=8501", result.Warnings[0]);
        Assert.Equal(["rest_api_port", "model_base_path", "model_name"], result.ExplicitlySetFlags);
    }

    [Fact]
    public void Separate_negative_number_is_taken_for_numeric_flags()
    {
        var result = Parse("--file_system_poll_wait_seconds", "-1", "--per_process_gpu_memory_fraction", "-.5");

        Assert.Equal(-1, result.Options.FileSystemPollWaitSeconds);
        Assert.Equal(-0.5f, result.Options.PerProcessGpuMemoryFraction);
    }

    [Fact]
    public void Bool_flag_never_takes_the_next_argument()
    {
        var result = Parse("--enable_batching", "false");

        Assert.True(result.Options.EnableBatching);
        Assert.Equal(["false"], result.UnknownArguments);
    }

    [Fact]
    public void Valueless_flag_followed_by_a_flag_is_unknown_and_the_next_flag_still_parses()
    {
        // TF: "--model_name" is left over, "--port=9000" applies. NServe must not swallow --port=9000.
        var result = Parse("--model_name", "--port=9000");

        Assert.Equal("default", result.Options.ModelName);
        Assert.Equal(9000, result.Options.Port);
        Assert.Equal(["--model_name"], result.UnknownArguments);
        Assert.Contains(result.Warnings, w => w.StartsWith("unknown argument: --model_name", StringComparison.Ordinal));
    }

    [Fact]
    public void Valueless_flag_at_the_end_is_unknown()
    {
        var result = Parse("--port");

        Assert.Equal(8500, result.Options.Port);
        Assert.Empty(result.Errors);
        Assert.Equal("unknown argument: --port (--port takes a value: --port=VALUE)", Assert.Single(result.Warnings));
    }

    [Fact]
    public void Last_occurrence_wins()
    {
        var result = Parse("--port=1", "--port=2", "--enable_batching", "--enable_batching=false");

        Assert.Equal(2, result.Options.Port);
        Assert.False(result.Options.EnableBatching);
        Assert.Equal(["port", "enable_batching"], result.ExplicitlySetFlags);
    }

    [Fact]
    public void String_value_keeps_equals_signs_and_may_be_empty()
    {
        var result = Parse("--grpc_channel_arguments=grpc.max_connection_age_ms=2000,a=b", "--model_name=");

        Assert.Equal("grpc.max_connection_age_ms=2000,a=b", result.Options.GrpcChannelArguments);
        Assert.Equal("", result.Options.ModelName);
        Assert.Empty(result.Warnings);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-help")]
    [InlineData("-h")]
    public void Help_is_requested(string arg)
    {
        var result = Parse("--port=9000", arg);

        Assert.True(result.HelpRequested);
        Assert.Empty(result.Warnings);
        Assert.Equal(9000, result.Options.Port);
    }

    [Fact]
    public void Version_is_requested_and_can_be_turned_off_again()
    {
        Assert.True(Parse("--version").VersionRequested);
        Assert.False(Parse("--version", "--version=false").VersionRequested);
        Assert.False(Parse().VersionRequested);
        Assert.False(Parse().HelpRequested);
    }
}
