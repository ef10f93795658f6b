using Grpc.Net.Client;
using System.Net.Sockets;
using NServe.EndToEnd.Tests.Infrastructure;
using Tensorflow.Serving;

namespace NServe.EndToEnd.Tests;

/// <summary>The executable's command line: TF Serving's flags, help, version and bad values.</summary>
public sealed class CommandLineTests
{
    [Fact]
    public async Task VersionPrintsAndExitsZero()
    {
        var (exit, output) = await ServerProcess.RunToExitAsync("--version");
        Assert.Equal(0, exit);
        Assert.Contains("nserve", output, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task HelpListsTfServingsFlags()
    {
        var (exit, output) = await ServerProcess.RunToExitAsync("--help");
        Assert.Equal(0, exit);
        foreach (var flag in new[] { "--port", "--rest_api_port", "--model_base_path", "--model_config_file", "--enable_batching", "--tensorflow_intra_op_parallelism" })
        {
            Assert.Contains(flag, output);
        }
    }

    [Fact]
    public async Task AMalformedValueExitsNonZeroNamingTheFlag()
    {
        var (exit, output) = await ServerProcess.RunToExitAsync("--port=abc", "--model_base_path=examples/half_plus_two");
        Assert.NotEqual(0, exit);
        Assert.Contains("port", output);
    }

    [Fact]
    public async Task UnknownArgumentsAndUnusedFlagsAreReportedAndTheServerStillServes()
    {
        await using var server = await ServerProcess.StartAsync(
            "--model_name=half_plus_two",
            "--model_base_path=examples/half_plus_two",
            "--no_such_flag=1",
            "--xla_cpu_compilation_enabled=true");
        var (status, _) = await Json.PostAsync(server.Http, "/v1/models/half_plus_two:predict", """{"instances": [1.0]}""");
        Assert.Equal(200, status);
        Assert.Contains("no_such_flag", server.Output);
        Assert.Contains("xla_cpu_compilation_enabled", server.Output);
    }

    [Fact]
    public async Task TensorContentFlagChangesTheEncodingAndTheUnixSocketServesGrpc()
    {
        var socket = Path.Combine(Path.GetTempPath(), $"nserve-{Guid.NewGuid():N}.sock");
        await using var server = await ServerProcess.StartAsync(
            "--model_name=half_plus_two",
            "--model_base_path=examples/half_plus_two",
            "--enable_serialization_as_tensor_content=true",
            $"--grpc_socket_path={socket}");

        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, cancellationToken) =>
            {
                var unix = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                await unix.ConnectAsync(new UnixDomainSocketEndPoint(socket), cancellationToken);
                return new NetworkStream(unix, ownsSocket: true);
            },
        };
        using var channel = GrpcChannel.ForAddress("http://localhost", new GrpcChannelOptions { HttpHandler = handler });
        var client = new PredictionService.PredictionServiceClient(channel);
        var response = await client.PredictAsync(GrpcPredictTests.HalfPlusTwoRequest("half_plus_two", 2.0f));

        var y = response.Outputs["y"];
        Assert.Empty(y.FloatVal);
        Assert.Equal(BitConverter.GetBytes(3.0f), y.TensorContent.ToByteArray());
    }
}
