using Microsoft.Extensions.Logging.Abstractions;
using NServe.Core.Errors;
using NServe.Core.Management;
using NServe.Core.Servables;
using NServe.Core.Sources;
using NServe.Core.Tensors;
using NServe.Server.KServe;

namespace NServe.Server.Tests.KServe;

/// <summary>Readiness, metadata and runs against real ONNX servables in a real manager.</summary>
public sealed class KServeModelsTests(KServeServingFixture fixture) : IClassFixture<KServeServingFixture>
{
    private readonly KServeModels _models = new(fixture.Manager);
    private readonly KServeReadiness _readiness = new(fixture.Manager);

    [Fact]
    public void ServerIsReadyWhenEveryModelIsAvailableOrFailedForGood()
    {
        Assert.Equal(ServableState.End, fixture.Manager.GetVersionStatuses("broken")[0].State);
        Assert.True(_readiness.IsServerReady());
    }

    [Fact]
    public void ModelReadinessFollowsAvailableVersions()
    {
        Assert.True(_readiness.IsModelReady("half_plus_two", null));
        Assert.True(_readiness.IsModelReady("half_plus_two", "1"));
        Assert.False(_readiness.IsModelReady("half_plus_two", "2"));
        Assert.True(_readiness.IsModelReady("half_plus_two", "stable"));
        Assert.False(_readiness.IsModelReady("half_plus_two", "next"));
        Assert.False(_readiness.IsModelReady("broken", null));
        var error = Assert.Throws<ServingException>(() => _readiness.IsModelReady("nope", null));
        Assert.Equal(StatusCode.NotFound, error.Code);
    }

    [Fact]
    public async Task ServerIsNotReadyWhileAModelIsStillLoading()
    {
        var gate = new TaskCompletionSource();
        await using var manager = new ServableManager([new GatedLoader(gate.Task)], new ManagerOptions(), NullLogger<ServableManager>.Instance);
        var readiness = new KServeReadiness(manager);
        Assert.True(readiness.IsServerReady());

        manager.SetAspiredVersions("slow", "gated", [new AspiredVersion(1, "/nonexistent")]);
        Assert.False(readiness.IsServerReady());
        Assert.False(readiness.IsModelReady("slow", null));
        Assert.False(readiness.IsModelReady("slow", "1"));

        gate.SetResult();
        await manager.WaitUntilIdleAsync(CancellationToken.None);
        Assert.True(readiness.IsServerReady());
        Assert.False(readiness.IsModelReady("slow", null));
    }

    [Theory]
    [InlineData("", null)]
    [InlineData("1", 1L)]
    [InlineData("0009", 9L)]
    [InlineData("9223372036854775807", long.MaxValue)]
    [InlineData("stable", 1L)]
    [InlineData("next", 2L)]
    public void VersionStringsAreNumbersOrLabels(string text, long? version) =>
        Assert.Equal(version, KServeVersion.Resolve(fixture.Manager, "half_plus_two", text));

    [Theory]
    [InlineData("abc")]
    [InlineData("Stable")]
    [InlineData("-1")]
    [InlineData("+1")]
    [InlineData(" 1")]
    [InlineData("1.0")]
    [InlineData("9223372036854775808")]
    public void OtherVersionStringsAreBadRequests(string text)
    {
        var error = Assert.Throws<ServingException>(() => KServeVersion.Resolve(fixture.Manager, "half_plus_two", text));
        Assert.Equal(StatusCode.InvalidArgument, error.Code);
        Assert.Equal(
            $"model version '{text}' is not a version number (v2 versions are decimal numbers) nor a version label of model 'half_plus_two'",
            error.Message);
    }

    [Fact]
    public void MetadataListsVersionsPlatformAndTheDefaultSignaturesTensors()
    {
        var metadata = _models.GetMetadata("two_inputs", null);
        Assert.Equal("two_inputs", metadata.Name);
        Assert.Equal(["1"], metadata.Versions);
        Assert.Equal("onnxruntime_onnx", metadata.Platform);
        Assert.Equal(["x1:FP32:-1,3", "inputs_id:INT32:-1,3"], metadata.Inputs.Select(Describe));
        Assert.Equal(["out:FP32:-1,3", "pre:FP32:-1,3,10"], metadata.Outputs.Select(Describe));
        Assert.Equal(metadata.Inputs.Select(Describe), _models.GetMetadata("two_inputs", "1").Inputs.Select(Describe));
    }

    [Theory]
    [InlineData("nope", "", StatusCode.NotFound)]
    [InlineData("nope", "stable", StatusCode.NotFound)]
    [InlineData("nope", "3", StatusCode.NotFound)]
    [InlineData("half_plus_two", "2", StatusCode.NotFound)]
    [InlineData("half_plus_two", "x", StatusCode.InvalidArgument)]
    [InlineData("broken", "", StatusCode.NotFound)]
    public void UnknownModelsAndVersionsAreErrors(string model, string version, StatusCode code)
    {
        var error = Assert.Throws<ServingException>(() => _models.GetMetadata(model, version));
        Assert.Equal(code, error.Code);
    }

    [Fact]
    public async Task RunReturnsRequestedOutputsInRequestOrderWithTheirBinaryChoice()
    {
        using var handle = _models.GetHandle("two_inputs", null);
        using var request = TwoInputs();
        request.BinaryDataOutput = true;
        request.Outputs.Add(new KServeRequestedOutput("pre", false));
        request.Outputs.Add(new KServeRequestedOutput("out", null));
        using var result = await KServeInferenceRunner.RunAsync(handle, request, CancellationToken.None);
        Assert.Equal(new ServableId("two_inputs", 1), result.Servable);
        Assert.Equal(["pre:False", "out:True"], result.Outputs.Select(o => $"{o.Name}:{o.Binary}"));
        Assert.Equal([2.5f, 3.0f, 4.5f], result.Outputs[1].Tensor.AsSpan<float>().ToArray());
        Assert.Equal(new long[] { 1, 3, 10 }, result.Outputs[0].Tensor.Shape);
    }

    [Theory]
    [InlineData("missing_sig", null, "model 'two_inputs' has no signature 'missing_sig'; it has 'serving_default'")]
    [InlineData(null, "nope", "output tensor alias not found in signature: nope")]
    public async Task UnknownSignaturesAndOutputsAreBadRequests(string? signature, string? output, string message)
    {
        using var handle = _models.GetHandle("two_inputs", null);
        using var request = TwoInputs();
        request.SignatureName = signature;
        if (output is not null)
        {
            request.Outputs.Add(new KServeRequestedOutput(output, null));
        }

        var error = await Assert.ThrowsAsync<ServingException>(() => KServeInferenceRunner.RunAsync(handle, request, CancellationToken.None));
        Assert.Equal(StatusCode.InvalidArgument, error.Code);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnInputOfTheWrongDatatypeIsABadRequest()
    {
        using var handle = _models.GetHandle("half_plus_two", null);
        using var request = new KServeInferRequest();
        request.Inputs.Add(new("x", Tensor.FromValues<double>(TensorDataType.Double, [1], [1.0])));
        var error = await Assert.ThrowsAsync<ServingException>(() => KServeInferenceRunner.RunAsync(handle, request, CancellationToken.None));
        Assert.Equal("input 'x' has datatype FP64, but model 'half_plus_two' expects FP32", error.Message);
    }

    [Fact]
    public async Task AMissingInputIsABadRequest()
    {
        using var handle = _models.GetHandle("two_inputs", null);
        using var request = new KServeInferRequest();
        request.Inputs.Add(new("x1", Tensor.FromValues<float>(TensorDataType.Float, [1, 3], [1f, 2f, 5f])));
        var error = await Assert.ThrowsAsync<ServingException>(() => KServeInferenceRunner.RunAsync(handle, request, CancellationToken.None));
        Assert.Contains("Missing but required: {inputs_id}", error.Message, StringComparison.Ordinal);
    }

    private static KServeInferRequest TwoInputs()
    {
        var request = new KServeInferRequest();
        request.Inputs.Add(new("x1", Tensor.FromValues<float>(TensorDataType.Float, [1, 3], [1f, 2f, 5f])));
        request.Inputs.Add(new("inputs_id", Tensor.FromValues<int>(TensorDataType.Int32, [1, 3], [1, 2, 3])));
        return request;
    }

    private static string Describe(KServeTensorMetadata t) => $"{t.Name}:{t.DataType}:{string.Join(",", t.Shape)}";

    /// <summary>A loader whose loads wait for a gate and then fail, to watch readiness while a model loads.</summary>
    private sealed class GatedLoader(Task gate) : IServableLoader
    {
        public string Platform => "gated";

        public bool CanLoad(string versionPath) => true;

        public async Task<IServable> LoadAsync(ServableId id, string versionPath, CancellationToken cancellationToken)
        {
            await gate;
            throw ServingException.NotFound($"nothing to load at {versionPath}");
        }
    }
}
