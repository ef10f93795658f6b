using NServe.Server.Options;

namespace NServe.Server.Tests.Options;

/// <summary>Value parsing per type (TF: absl SimpleAtoi/SimpleAtof, its bool rule) and malformed values.</summary>
public sealed class FlagValueTests
{
    private static FlagParseResult Parse(params string[] args) => ServerFlagParser.Parse(args, "/work", 2);

    [Theory]
    [InlineData("0", 0)]
    [InlineData("+7", 7)]
    [InlineData("-7", -7)]
    [InlineData(" 42 ", 42)]
    [InlineData("007", 7)]
    [InlineData("2147483647", int.MaxValue)]
    [InlineData("-2147483648", int.MinValue)]
    public void Int32_values(string text, int expected)
    {
        var result = Parse($"--rest_api_timeout_in_ms={text}");

        Assert.Empty(result.Errors);
        Assert.Equal(expected, result.Options.RestApiTimeoutInMs);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("")]
    [InlineData("12abc")]
    [InlineData("1.5")]
    [InlineData("0x10")]
    [InlineData("1e3")]
    [InlineData("2147483648")]
    [InlineData("-2147483649")]
    [InlineData("1 2")]
    [InlineData("1,000")]
    public void Malformed_int32_is_an_error_naming_the_flag(string text)
    {
        var result = Parse($"--port={text}");

        var error = Assert.Single(result.Errors);
        Assert.StartsWith($"Couldn't interpret value {text} for flag port.", error);
        Assert.False(result.Succeeded);
        Assert.Equal(8500, result.Options.Port);
    }

    [Theory]
    [InlineData("9223372036854775807", long.MaxValue)]
    [InlineData("-9223372036854775808", long.MinValue)]
    [InlineData("60000000", 60_000_000L)]
    public void Int64_values(string text, long expected)
    {
        var result = Parse($"--load_retry_interval_micros={text}");

        Assert.Empty(result.Errors);
        Assert.Equal(expected, result.Options.LoadRetryIntervalMicros);
    }

    [Theory]
    [InlineData("9223372036854775808")]
    [InlineData("x")]
    [InlineData("1.0")]
    public void Malformed_int64_is_an_error_naming_the_flag(string text)
    {
        var result = Parse($"--tensorflow_session_parallelism={text}");

        Assert.StartsWith($"Couldn't interpret value {text} for flag tensorflow_session_parallelism.", Assert.Single(result.Errors));
    }

    [Theory]
    [InlineData("0.5", 0.5f)]
    [InlineData(".25", 0.25f)]
    [InlineData("1", 1f)]
    [InlineData("-1.5", -1.5f)]
    [InlineData("+2.5", 2.5f)]
    [InlineData("1e-1", 0.1f)]
    [InlineData("2.5E2", 250f)]
    [InlineData("inf", float.PositiveInfinity)]
    [InlineData("-Infinity", float.NegativeInfinity)]
    [InlineData("1e50", float.PositiveInfinity)]
    public void Float_values(string text, float expected)
    {
        var result = Parse($"--per_process_gpu_memory_fraction={text}");

        Assert.Empty(result.Errors);
        Assert.Equal(expected, result.Options.PerProcessGpuMemoryFraction);
    }

    [Fact]
    public void Float_nan()
    {
        Assert.True(float.IsNaN(Parse("--per_process_gpu_memory_fraction=NaN").Options.PerProcessGpuMemoryFraction));
    }

    [Theory]
    [InlineData("half")]
    [InlineData("")]
    [InlineData("0,5")]
    [InlineData("1.2.3")]
    [InlineData("--1")]
    [InlineData("0x1p3")]
    [InlineData("1,000.5")]
    public void Malformed_float_is_an_error_naming_the_flag(string text)
    {
        var result = Parse($"--per_process_gpu_memory_fraction={text}");

        Assert.StartsWith($"Couldn't interpret value {text} for flag per_process_gpu_memory_fraction.", Assert.Single(result.Errors));
    }

    [Theory]
    [InlineData("maybe")]
    [InlineData("")]
    [InlineData("2")]
    [InlineData("on")]
    public void Malformed_bool_is_an_error_naming_the_flag(string text)
    {
        var result = Parse($"--enable_batching={text}");

        Assert.StartsWith($"Couldn't interpret value {text} for flag enable_batching.", Assert.Single(result.Errors));
    }

    [Fact]
    public void Every_malformed_flag_is_reported_and_good_flags_still_apply()
    {
        var result = Parse("--port=abc", "--rest_api_port=8501", "--grpc_max_threads=lots");

        Assert.Equal(2, result.Errors.Count);
        Assert.Contains("flag port.", result.Errors[0]);
        Assert.Contains("flag grpc_max_threads.", result.Errors[1]);
        Assert.Equal(8501, result.Options.RestApiPort);
    }

    [Fact]
    public void Malformed_separate_value_is_an_error_too()
    {
        var result = Parse("--port", "abc");

        Assert.StartsWith("Couldn't interpret value abc for flag port.", Assert.Single(result.Errors));
    }
}
