using NServe.EndToEnd.Tests.Infrastructure;

namespace NServe.EndToEnd.Tests.BadInput;

/// <summary>The limit flags (docs/reliability.md, "Limits"): listed in --help, and a limit that would refuse everything stops startup.</summary>
public sealed class LimitFlagTests
{
    [Theory]
    [InlineData("rest_api_max_body_bytes", "0")]
    [InlineData("rest_api_max_decompressed_bytes", "-1")]
    [InlineData("rest_api_max_json_depth", "0")]
    [InlineData("max_tensor_elements", "0")]
    [InlineData("grpc_max_receive_message_bytes", "0")]
    [InlineData("grpc_max_send_message_bytes", "-5")]
    public async Task A_limit_that_is_not_positive_stops_the_server(string flag, string value)
    {
        var (exit, output) = await ServerProcess.RunToExitAsync("--port=0", "--grpc_socket_path=/tmp/unused.sock", "--model_base_path=examples/half_plus_two", $"--{flag}={value}");
        Assert.Equal(255, exit);
        Assert.Contains($"Failed to start server. Error: INVALID_ARGUMENT: --{flag} must be positive; got {value}.", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_lists_every_limit_with_its_default()
    {
        var (exit, output) = await ServerProcess.RunToExitAsync("--help");
        Assert.Equal(0, exit);
        foreach (var flag in new[] { "rest_api_max_body_bytes", "rest_api_max_decompressed_bytes", "rest_api_max_json_depth", "max_tensor_elements", "grpc_max_receive_message_bytes", "grpc_max_send_message_bytes" })
        {
            Assert.Contains("--" + flag, output, StringComparison.Ordinal);
        }

        Assert.Contains("104857600", output, StringComparison.Ordinal);
    }
}
