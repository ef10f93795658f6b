using System.Diagnostics;
using Grpc.Core;
using Grpc.Net.Client;
using NServe.EndToEnd.Tests.Infrastructure;
using Tensorflow.Serving;

namespace NServe.EndToEnd.Tests;

/// <summary>Graceful shutdown, deadlines, TLS and bearer tokens, through the real server.</summary>
public sealed class OperationsTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("nserve-e2e-ops-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string SlowModelBase(int rounds)
    {
        var basePath = Path.Combine(_root, "slow");
        SlowModel.Write(Path.Combine(basePath, "1"), rounds);
        return basePath;
    }

    private static async Task<TimeSpan> TimeOnePredictAsync(ServerProcess server)
    {
        var watch = Stopwatch.StartNew();
        var (status, _) = await Json.PostAsync(server.Http, "/v1/models/slow:predict", """{"instances": [1.0]}""");
        Assert.Equal(200, status);
        return watch.Elapsed;
    }

    [Fact]
    public async Task SigtermLetsRequestsInFlightFinishAndExitsZero()
    {
        await using var server = await ServerProcess.StartAsync("--model_name=slow", $"--model_base_path={SlowModelBase(12)}");
        await TimeOnePredictAsync(server);

        var inFlight = Enumerable.Range(0, 4)
            .Select(_ => Json.PostAsync(server.Http, "/v1/models/slow:predict", """{"instances": [2.0]}"""))
            .ToArray();
        await Task.Delay(150);
        var exit = await server.StopAsync();

        foreach (var request in inFlight)
        {
            var (status, body) = await request;
            Assert.Equal(200, status);
            Assert.Equal([2.0], Json.Numbers(body, "predictions"));
        }

        Assert.Equal(0, exit);
        Assert.Contains("Server stopped", server.Output);
    }

    [Fact]
    public async Task DeadlinesShorterThanTheRunAreExceededAndTheServerStaysHealthy()
    {
        await using var server = await ServerProcess.StartAsync(
            "--model_name=slow", $"--model_base_path={SlowModelBase(40)}", "--rest_api_timeout_in_ms=60");
        var client = new PredictionService.PredictionServiceClient(server.Channel);

        var grpc = await Assert.ThrowsAsync<RpcException>(() => client.PredictAsync(
            GrpcPredictTests.HalfPlusTwoRequest("slow", 1), deadline: DateTime.UtcNow.AddMilliseconds(60)).ResponseAsync);
        Assert.Equal(StatusCode.DeadlineExceeded, grpc.StatusCode);

        var (status, _) = await Json.PostAsync(server.Http, "/v1/models/slow:predict", """{"instances": [1.0]}""");
        Assert.Equal(504, status);

        var healthy = await client.PredictAsync(GrpcPredictTests.HalfPlusTwoRequest("slow", 5), deadline: DateTime.UtcNow.AddSeconds(60));
        Assert.Equal([5.0f], healthy.Outputs["y"].FloatVal);
    }

    [Fact]
    public async Task GrpcAndRestServeTlsAndGrpcRequiresAClientCertificateWithClientVerify()
    {
        using var certificates = new TestCertificates();
        var grpcConfig = Path.Combine(_root, "grpc_ssl.config");
        var restConfig = Path.Combine(_root, "rest_ssl.config");
        File.WriteAllText(grpcConfig, certificates.SslConfig(clientVerify: true));
        File.WriteAllText(restConfig, certificates.SslConfig(clientVerify: false));

        await using var server = await ServerProcess.StartWithRestClientAsync(
            certificates.Handler(presentClientCertificate: false),
            restTls: true,
            "--model_name=half_plus_two",
            "--model_base_path=examples/half_plus_two",
            $"--ssl_config_file={grpcConfig}",
            $"--rest_api_ssl_config_file={restConfig}");

        var (status, body) = await Json.PostAsync(server.Http, "/v1/models/half_plus_two:predict", """{"instances": [2.0]}""");
        Assert.Equal(200, status);
        Assert.Equal([3.0], Json.Numbers(body, "predictions"));

        using (var mutual = GrpcChannel.ForAddress($"https://localhost:{server.GrpcPort}", new GrpcChannelOptions { HttpHandler = certificates.Handler(presentClientCertificate: true) }))
        {
            var response = await new PredictionService.PredictionServiceClient(mutual).PredictAsync(GrpcPredictTests.HalfPlusTwoRequest("half_plus_two", 2));
            Assert.Equal([3.0f], response.Outputs["y"].FloatVal);
        }

        using var anonymous = GrpcChannel.ForAddress($"https://localhost:{server.GrpcPort}", new GrpcChannelOptions { HttpHandler = certificates.Handler(presentClientCertificate: false) });
        var refused = await Assert.ThrowsAsync<RpcException>(() => new PredictionService.PredictionServiceClient(anonymous)
            .PredictAsync(GrpcPredictTests.HalfPlusTwoRequest("half_plus_two", 2)).ResponseAsync);
        Assert.Equal(StatusCode.Unavailable, refused.StatusCode);

        var plain = await Assert.ThrowsAsync<RpcException>(() => new PredictionService.PredictionServiceClient(server.Channel)
            .PredictAsync(GrpcPredictTests.HalfPlusTwoRequest("half_plus_two", 2)).ResponseAsync);
        Assert.Equal(StatusCode.Unavailable, plain.StatusCode);
    }

    [Fact]
    public async Task BearerTokensGuardInferenceAndAdminCalls()
    {
        var inferenceToken = Path.Combine(_root, "inference.token");
        var adminToken = Path.Combine(_root, "admin.token");
        File.WriteAllText(inferenceToken, "let-me-predict\n");
        File.WriteAllText(adminToken, "let-me-reload");
        await using var server = await ServerProcess.StartAsync(
            "--model_name=half_plus_two",
            "--model_base_path=examples/half_plus_two",
            $"--inference_token_file={inferenceToken}",
            $"--admin_token_file={adminToken}");

        var (refused, refusedBody) = await Json.PostAsync(server.Http, "/v1/models/half_plus_two:predict", """{"instances": [2.0]}""");
        Assert.Equal(401, refused);
        Assert.Contains("bearer token", Json.Error(refusedBody));

        server.Http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "let-me-predict");
        var (allowed, _) = await Json.PostAsync(server.Http, "/v1/models/half_plus_two:predict", """{"instances": [2.0]}""");
        Assert.Equal(200, allowed);
        server.Http.DefaultRequestHeaders.Authorization = null;
        var (live, _) = await Json.GetAsync(server.Http, "/v2/health/live");
        Assert.Equal(200, live);

        var prediction = new PredictionService.PredictionServiceClient(server.Channel);
        var noToken = await Assert.ThrowsAsync<RpcException>(() => prediction.PredictAsync(GrpcPredictTests.HalfPlusTwoRequest("half_plus_two", 2)).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, noToken.StatusCode);
        var inference = new Metadata { { "authorization", "Bearer let-me-predict" } };
        var response = await prediction.PredictAsync(GrpcPredictTests.HalfPlusTwoRequest("half_plus_two", 2), inference);
        Assert.Equal([3.0f], response.Outputs["y"].FloatVal);

        var models = new ModelService.ModelServiceClient(server.Channel);
        var config = new ModelServerConfig { ModelConfigList = new ModelConfigList() };
        config.ModelConfigList.Config.Add(new ModelConfig { Name = "half_plus_two", BasePath = Path.Combine(TestPaths.Examples, "half_plus_two") });
        var notAdmin = await Assert.ThrowsAsync<RpcException>(() => models.HandleReloadConfigRequestAsync(new ReloadConfigRequest { Config = config }, inference).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, notAdmin.StatusCode);
        var admin = new Metadata { { "authorization", "Bearer let-me-reload" } };
        var reloaded = await models.HandleReloadConfigRequestAsync(new ReloadConfigRequest { Config = config }, admin);
        Assert.Equal(Tensorflow.Error.Code.Ok, reloaded.Status.ErrorCode);
    }
}
