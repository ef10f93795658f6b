using Grpc.Core;
using Grpc.Health.V1;
using Microsoft.Extensions.Logging.Abstractions;
using NServe.Core.Management;
using NServe.Core.Sources;
using NServe.Server.Grpc;
using NServe.Server.KServe;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace NServe.Server.Tests.Metrics;

/// <summary>grpc.health.v1 over a real manager whose load the test finishes.</summary>
public sealed class HealthServiceImplTests : IAsyncDisposable
{
    private readonly GatedLoader _loader = new();
    private readonly ServableManager _manager;
    private readonly HealthServiceImpl _health;

    public HealthServiceImplTests()
    {
        _manager = new ServableManager([_loader], new ManagerOptions(), NullLogger<ServableManager>.Instance);
        _health = new HealthServiceImpl(new KServeReadiness(_manager));
    }

    public ValueTask DisposeAsync() => _manager.DisposeAsync();

    [Theory]
    [InlineData("")]
    [InlineData("tensorflow.serving.PredictionService")]
    public async Task NotServingWhileAModelLoadsThenServing(string service)
    {
        _manager.SetAspiredVersions("m", "gated", [new AspiredVersion(1, "/models/m/1")]);
        Assert.Equal(ServingStatus.NotServing, await Check(service));

        _loader.Finish();
        await _manager.WaitUntilIdleAsync(CancellationToken.None);
        Assert.Equal(ServingStatus.Serving, await Check(service));
    }

    [Fact]
    public async Task AModelThatFailedForGoodDoesNotHoldReadinessBack()
    {
        _manager.SetAspiredVersions("m", "gated", [new AspiredVersion(1, "/models/m/1")]);
        _loader.Fail(NServe.Core.Errors.ServingException.NotFound("no model files"));
        await _manager.WaitUntilIdleAsync(CancellationToken.None);
        Assert.Equal(ServingStatus.Serving, await Check(""));
    }

    [Fact]
    public async Task UnknownServiceIsNotFound()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => Check("no.such.Service"));
        Assert.Equal(StatusCode.NotFound, error.StatusCode);
    }

    [Fact]
    public async Task WatchSendsTheStatusAndThenEachChange()
    {
        _manager.SetAspiredVersions("m", "gated", [new AspiredVersion(1, "/models/m/1")]);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var stream = new RecordingStream();
        var watching = _health.Watch(new HealthCheckRequest(), stream, new TestCallContext("/grpc.health.v1.Health/Watch", stop.Token));

        await stream.WaitForCount(1);
        _loader.Finish();
        await stream.WaitForCount(2);
        await stop.CancelAsync();
        await watching;

        Assert.Equal([ServingStatus.NotServing, ServingStatus.Serving], stream.Statuses);
    }

    [Fact]
    public async Task WatchOfAnUnknownServiceSaysSo()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var stream = new RecordingStream();
        var watching = _health.Watch(new HealthCheckRequest { Service = "x" }, stream, new TestCallContext("/grpc.health.v1.Health/Watch", stop.Token));
        await stream.WaitForCount(1);
        await stop.CancelAsync();
        await watching;
        Assert.Equal([ServingStatus.ServiceUnknown], stream.Statuses);
    }

    private async Task<ServingStatus> Check(string service) =>
        (await _health.Check(new HealthCheckRequest { Service = service }, new TestCallContext("/grpc.health.v1.Health/Check"))).Status;

    private sealed class RecordingStream : IServerStreamWriter<HealthCheckResponse>
    {
        private readonly List<ServingStatus> _statuses = [];

        public WriteOptions? WriteOptions { get; set; }

        public List<ServingStatus> Statuses
        {
            get
            {
                lock (_statuses)
                {
                    return [.. _statuses];
                }
            }
        }

        public Task WriteAsync(HealthCheckResponse message)
        {
            lock (_statuses)
            {
                _statuses.Add(message.Status);
            }

            return Task.CompletedTask;
        }

        public Task WriteAsync(HealthCheckResponse message, CancellationToken cancellationToken) => WriteAsync(message);

        public async Task WaitForCount(int count)
        {
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (Statuses.Count < count)
            {
                Assert.True(DateTime.UtcNow < deadline, $"only {Statuses.Count} statuses were sent");
                await Task.Delay(10);
            }
        }
    }
}
