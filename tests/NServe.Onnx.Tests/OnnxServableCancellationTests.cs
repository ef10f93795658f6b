using System.Diagnostics;
using NServe.Core.Errors;
using NServe.Core.Tensors;
using static NServe.Onnx.Tests.ServableRunner;

namespace NServe.Onnx.Tests;

public sealed class OnnxServableCancellationTests
{
    [Fact]
    public async Task AlreadyCancelledRequestIsDeadlineExceeded()
    {
        using var servable = OnnxServable.FromBytes(new("half", 1), TestModels.HalfPlusTwo(), OnnxRuntimeOptions.Default);
        using var x = Floats([1], 1f);
        var error = await Assert.ThrowsAsync<ServingException>(() =>
            servable.Predict(new Dictionary<string, Tensor> { ["x"] = x }, cancellationToken: new CancellationToken(canceled: true)));
        Assert.Equal(StatusCode.DeadlineExceeded, error.Code);
    }

    [Fact]
    public async Task CancellationStopsARunningModel()
    {
        // 400 MatMuls of 768×768 are hundreds of GFLOP: many seconds on any CPU this runs on.
        using var servable = OnnxServable.FromBytes(new("slow", 1), TestModels.SlowChain(400), OnnxRuntimeOptions.Default);
        const int n = 768;
        using var x = Floats([n, n], Enumerable.Repeat(0.001f, n * n).ToArray());

        using var deadline = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<ServingException>(() =>
            Task.Run(() => servable.Predict(new Dictionary<string, Tensor> { ["x"] = x }, cancellationToken: deadline.Token)));

        Assert.Equal(StatusCode.DeadlineExceeded, error.Code);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"run stopped only after {clock.Elapsed}");

        // Terminate applied to that run only: the session still serves the next request.
        using var small = Floats([1, 1], 1f);
        using var y = (await servable.Predict(new Dictionary<string, Tensor> { ["x"] = small }))["y"];
        Assert.Equal(1f, y.AsSpan<float>()[0]);
    }
}
