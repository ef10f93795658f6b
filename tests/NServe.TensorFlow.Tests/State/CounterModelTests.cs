using NServe.Core.Errors;
using NServe.Core.Servables;
using NServe.Core.Tensors;
using NServe.Onnx;
using NServe.TensorFlow.Tests.Checkpoint;
using NServe.TensorFlow.Tests.SavedModel;

namespace NServe.TensorFlow.Tests.State;

/// <summary>
/// TF Serving's stateful <c>saved_model_counter</c> (a float variable <c>counter</c>, checkpoint value 0,
/// updated by AssignAdd/Assign): the state lives as long as the loaded version, as in TensorFlow's session.
/// </summary>
public class CounterModelTests
{
    private const string Counter = "tfserving/saved_model_counter/00000123";

    [TestDataFact]
    public async Task TheCounterKeepsItsValueAcrossRequests()
    {
        using var servable = await Load();

        Assert.Equal(0f, await Run(servable, "get_counter"));
        Assert.Equal(1f, await Run(servable, "incr_counter"));
        Assert.Equal(2f, await Run(servable, "incr_counter"));
        Assert.Equal(5f, await Run(servable, "incr_counter_by", delta: 3f));
        Assert.Equal(5f, await Run(servable, "get_counter"));
        Assert.Equal(0f, await Run(servable, "reset_counter"));
        Assert.Equal(0f, await Run(servable, "get_counter"));
        Assert.Equal(-1.5f, await Run(servable, "incr_counter_by", delta: -1.5f));
    }

    [TestDataFact]
    public async Task EachLoadedVersionHasItsOwnCounter()
    {
        using var first = await Load();
        using var second = await Load();

        await Run(first, "incr_counter");
        await Run(first, "incr_counter");

        Assert.Equal(2f, await Run(first, "get_counter"));
        Assert.Equal(0f, await Run(second, "get_counter"));
    }

    [TestDataFact]
    public async Task ConcurrentIncrementsAreNeverLost()
    {
        using var servable = await Load();

        var results = await Task.WhenAll(Enumerable.Range(0, 64).Select(_ => Task.Run(() => Run(servable, "incr_counter"))));

        Assert.Equal(64f, await Run(servable, "get_counter"));
        Assert.Equal(Enumerable.Range(1, 64).Select(i => (float)i), results.Order());
    }

    [TestDataFact]
    public async Task AnUpdateOfAnotherShapeFailsAsTensorFlowsAndLeavesTheCounter()
    {
        using var servable = await Load();
        await Run(servable, "incr_counter");
        using var delta = Tensor.FromValues(TensorDataType.Float, [2], [1f, 2f]);

        var error = await Assert.ThrowsAsync<ServingException>(async () =>
            await servable.RunAsync("incr_counter_by", new Dictionary<string, Tensor> { ["delta"] = delta }, null, CancellationToken.None));

        Assert.Equal(StatusCode.InvalidArgument, error.Code);
        Assert.Equal("Parameters and update must be the same size", error.Message);
        Assert.Equal(1f, await Run(servable, "get_counter"));
    }

    [TestDataFact]
    public async Task RequestsAreCheckedAgainstTheSignaturesOwnInputsAndOutputs()
    {
        using var servable = await Load();

        var missing = await Assert.ThrowsAsync<ServingException>(async () =>
            await servable.RunAsync("incr_counter_by", new Dictionary<string, Tensor>(), null, CancellationToken.None));
        var badFilter = await Assert.ThrowsAsync<ServingException>(async () =>
            await servable.RunAsync("get_counter", new Dictionary<string, Tensor>(), ["nope"], CancellationToken.None));
        var filtered = await servable.RunAsync("incr_counter", new Dictionary<string, Tensor>(), ["output"], CancellationToken.None);

        Assert.Equal("input size does not match signature: 0!=1 len({}) != len({delta}). Sent extra: {}. Missing but required: {delta}.", missing.Message);
        Assert.Equal("output tensor alias not found in signature: nope Outputs expected to be in the set {output}.", badFilter.Message);
        Assert.Equal(["output"], filtered.Keys);
        filtered["output"].Dispose();
        Assert.Equal(1f, await Run(servable, "get_counter"));
    }

    private static async Task<TensorFlowServable> Load() =>
        (TensorFlowServable)await new TensorFlowLoader(OnnxRuntimeOptions.Default)
            .LoadAsync(new ServableId("counter", 123), SavedModelTestData.PathOf(Counter), CancellationToken.None);

    private static async Task<float> Run(IServable servable, string signature, float? delta = null)
    {
        var inputs = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        if (delta is { } value)
        {
            inputs["delta"] = Tensor.FromValues(TensorDataType.Float, [], [value]);
        }

        try
        {
            var outputs = await servable.RunAsync(signature, inputs, null, CancellationToken.None);
            var output = Assert.Single(outputs);
            Assert.Equal("output", output.Key);
            using var tensor = output.Value;
            Assert.Empty(tensor.Shape);
            return tensor.AsSpan<float>()[0];
        }
        finally
        {
            foreach (var input in inputs.Values)
            {
                input.Dispose();
            }
        }
    }
}
