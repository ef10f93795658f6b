using NServe.Core.Errors;
using NServe.Core.Servables;
using NServe.Core.Tensors;
using NServe.TensorFlow.Tests.Checkpoint;
using NServe.TensorFlow.Tests.SavedModel;
using static NServe.TensorFlow.Tests.HostKernels.Examples;

namespace NServe.TensorFlow.Tests.Loading;

/// <summary>Classify/regress signatures that parse serialized tf.Examples, served through the loader.</summary>
public class ExampleParsingLoaderTests
{
    [TestDataFact]
    public async Task HalfPlusTwoRegressesAndClassifiesSerializedExamples()
    {
        using var servable = await TensorFlowLoaderTests.Load(SavedModelTestData.HalfPlusTwo);

        Assert.Equal(new[] { 42f }, await Run(servable, "regress_x_to_y", "outputs", Serialize(("x", Floats(80f)))));
        Assert.Equal(new[] { 3f }, await Run(servable, "classify_x_to_y", "scores", Serialize(("x", Floats(2f)))));
        // y2 = 0.5x + 3, batched; x2's default does not matter here.
        Assert.Equal(new[] { 3.5f, 43f }, await Run(servable, "regress_x_to_y2", "outputs", Serialize(("x", Floats(1f))), Serialize(("x", Floats(80f)))));
        Assert.Equal(new[] { 2.5f, 3f, 4.5f }, await Predict(servable, [1f, 2f, 5f]));
    }

    [TestDataFact]
    public async Task Tf2HalfPlusTwoRegressesAndClassifiesSerializedExamples()
    {
        using var servable = await TensorFlowLoaderTests.Load(SavedModelTestData.HalfPlusTwoTf2);

        Assert.Equal(new[] { 42f }, await Run(servable, "regress_x_to_y", "outputs", Serialize(("x", Floats(80f)))));
        Assert.Equal(new[] { 3f, 4.5f }, await Run(servable, "classify_x_to_y", "scores", Serialize(("x", Floats(2f))), Serialize(("x", Floats(5f)))));
        Assert.Equal(new[] { 2.5f, 3f, 4.5f }, await Predict(servable, [1f, 2f, 5f]));
    }

    [TestDataFact]
    public async Task AnExampleWithoutTheRequiredFeatureFailsAsTensorFlowDoes()
    {
        using var servable = await TensorFlowLoaderTests.Load(SavedModelTestData.HalfPlusTwo);

        var error = await Assert.ThrowsAsync<ServingException>(() => Run(servable, "regress_x_to_y", "outputs", Serialize(("x2", Floats(1f)))));

        Assert.Equal(StatusCode.InvalidArgument, error.Code);
        Assert.Equal("Name: <unknown>, Feature: x (data type: float) is required but could not be found.", error.Message);
    }

    [TestDataFact]
    public async Task ARequestMissingTheSerializedInputNamesTheSignaturesOwnInputs()
    {
        using var servable = await TensorFlowLoaderTests.Load(SavedModelTestData.HalfPlusTwo);
        using var other = Tensor.FromValues(TensorDataType.Float, [1], [1f]);

        var error = await Assert.ThrowsAsync<ServingException>(async () =>
            await servable.RunAsync("regress_x_to_y", new Dictionary<string, Tensor> { ["x"] = other }, null, CancellationToken.None));

        Assert.Equal(StatusCode.InvalidArgument, error.Code);
        Assert.Equal(
            "input size does not match signature: 1!=1 len({x}) != len({inputs}). Sent extra: {x}. Missing but required: {inputs}.", error.Message);
    }

    private static async Task<float[]> Run(IServable servable, string signature, string output, params byte[][] examples)
    {
        using var serialized = Batch(examples);
        var outputs = await servable.RunAsync(signature, new Dictionary<string, Tensor> { ["inputs"] = serialized }, null, CancellationToken.None);
        return TakeFloats(outputs, output);
    }

    private static async Task<float[]> Predict(IServable servable, float[] values)
    {
        using var x = Tensor.FromValues(TensorDataType.Float, [values.Length], values.AsSpan());
        var outputs = await servable.RunAsync("serving_default", new Dictionary<string, Tensor> { ["x"] = x }, null, CancellationToken.None);
        return TakeFloats(outputs, "y");
    }

    private static float[] TakeFloats(IReadOnlyDictionary<string, Tensor> outputs, string alias)
    {
        try
        {
            return outputs[alias].AsSpan<float>().ToArray();
        }
        finally
        {
            foreach (var tensor in outputs.Values)
            {
                tensor.Dispose();
            }
        }
    }
}
