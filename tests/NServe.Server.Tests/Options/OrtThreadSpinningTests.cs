using NServe.Server.Options;

namespace NServe.Server.Tests.Options;

/// <summary>--ort_thread_spinning: auto follows --enable_batching; on and off force it; anything else stops the server.</summary>
public sealed class OrtThreadSpinningTests
{
    private static ServerOptions Parse(params string[] args)
    {
        var result = ServerFlagParser.Parse(["--model_base_path=/models/m", .. args], "/work", 2);
        Assert.True(result.Succeeded);
        return result.Options;
    }

    [Theory]
    [InlineData(new string[0], true)]
    [InlineData(new[] { "--enable_batching" }, false)]
    [InlineData(new[] { "--ort_thread_spinning=auto", "--enable_batching=true" }, false)]
    [InlineData(new[] { "--ort_thread_spinning=on", "--enable_batching" }, true)]
    [InlineData(new[] { "--ort_thread_spinning=off" }, false)]
    public void Spinning_follows_the_flag_and_batching(string[] args, bool spins)
    {
        var options = Parse(args);

        Assert.True(options.Validate().IsValid);
        Assert.Equal(spins, options.OrtThreadsSpin);
    }

    [Fact]
    public void An_unknown_value_is_a_startup_error()
    {
        var validation = Parse("--ort_thread_spinning=sometimes").Validate();

        Assert.Equal(["--ort_thread_spinning=sometimes: expected auto, on or off."], validation.Errors);
    }
}
