using NServe.Server.Options;

namespace NServe.Server.Tests.Options;

/// <summary>TF Serving prints "unknown argument: X" and carries on; NServe reports every one and ignores it.</summary>
public sealed class UnknownArgumentTests
{
    private static FlagParseResult Parse(params string[] args) => ServerFlagParser.Parse(args, "/work", 2);

    [Fact]
    public void Unknown_flags_and_positionals_are_reported_and_ignored()
    {
        var result = Parse("--port=9000", "--no_such_flag=1", "serve", "--rest_api_port=8501", "-x");

        Assert.True(result.Succeeded);
        Assert.Equal(["--no_such_flag=1", "serve", "-x"], result.UnknownArguments);
        Assert.Equal(["unknown argument: --no_such_flag=1", "unknown argument: serve", "unknown argument: -x"], result.Warnings);
        Assert.Equal(9000, result.Options.Port);
        Assert.Equal(8501, result.Options.RestApiPort);
        Assert.Equal(["port", "rest_api_port"], result.ExplicitlySetFlags);
    }

    [Fact]
    public void Flag_names_are_case_sensitive()
    {
        var result = Parse("--Port=9000");

        Assert.Equal(8500, result.Options.Port);
        Assert.Equal(["--Port=9000"], result.UnknownArguments);
    }

    [Fact]
    public void A_flag_name_with_a_suffix_is_not_the_flag()
    {
        // TF's newer bool parser: "--enable_batching_x" is another argument, not a bad value.
        var result = Parse("--enable_batching_x", "--porty=1");

        Assert.True(result.Succeeded);
        Assert.False(result.Options.EnableBatching);
        Assert.Equal(["--enable_batching_x", "--porty=1"], result.UnknownArguments);
    }

    [Fact]
    public void Everything_from_a_bare_double_dash_on_is_left_over()
    {
        var result = Parse("--port=1", "--", "--port=2", "x");

        Assert.Equal(1, result.Options.Port);
        Assert.Equal(["--", "--port=2", "x"], result.UnknownArguments);
    }

    [Fact]
    public void A_lone_dash_is_a_positional_argument()
    {
        Assert.Equal(["-"], Parse("-").UnknownArguments);
    }
}
