using NServe.Core.Tensors;
using NServe.TensorFlow.Tests.Checkpoint;
using static NServe.TensorFlow.Tests.HostKernels.Examples;

namespace NServe.TensorFlow.Tests.Loading;

/// <summary>Every test-data model whose signatures parse tf.Examples loads, and its x → y regression parses them.</summary>
public class ExampleParsingModelsTests
{
    [TestDataTheory]
    [InlineData("tfserving/saved_model_half_plus_two_2_versions/00000124", "regress_x_to_y", 42f)]
    [InlineData("tfserving/saved_model_half_plus_two_gpu/00000123", "regress_x_to_y", 42f)]
    [InlineData("tfserving/saved_model_half_plus_two_mlmd/00000123", "regress_x_to_y", 42f)]
    [InlineData("tfserving/saved_model_half_plus_two_mkl/00000123", "regress_x_to_y", 42f)]
    [InlineData("tfserving/saved_model_half_plus_two_cpu_with_saved_model_config/00000123", "regress_x_to_y", 42f)]
    [InlineData("tfserving/saved_model_half_plus_three/00000123", "tensorflow/serving/regress", 43f)]
    [InlineData("savedmodels/java__saved_model", "regress_x_to_y", 42f)]
    public async Task HalfPlusModelsRegressAnExample(string model, string signature, float expected)
    {
        using var servable = await TensorFlowLoaderTests.Load(model);
        using var serialized = Batch(Serialize(("x", Floats(80f))));

        var outputs = await servable.RunAsync(signature, new Dictionary<string, Tensor> { ["inputs"] = serialized }, null, CancellationToken.None);

        Assert.Equal([expected], outputs["outputs"].AsSpan<float>().ToArray());
        foreach (var tensor in outputs.Values)
        {
            tensor.Dispose();
        }
    }

    [TestDataFact]
    public async Task TheKerasPenguinClassifierParsesItsFourFeaturesPerExample()
    {
        // TFX's Keras serving signature: ParseExampleV2 of four required float features feeding a dense network.
        using var servable = await TensorFlowLoaderTests.Load("savedmodels/tfx__taxi_keras_serving");
        byte[] Penguin(float bill, float depth, float flipper, float mass) => Serialize(
            ("culmen_length_mm", Floats(bill)), ("culmen_depth_mm", Floats(depth)), ("flipper_length_mm", Floats(flipper)), ("body_mass_g", Floats(mass)));
        using var serialized = Batch(Penguin(0.2f, 0.5f, 0.1f, 0.3f), Penguin(0.9f, 0.1f, 0.8f, 0.9f), Penguin(0.2f, 0.5f, 0.1f, 0.3f));

        var outputs = await servable.RunAsync("serving_default", new Dictionary<string, Tensor> { ["examples"] = serialized }, null, CancellationToken.None);
        var scores = outputs["output_0"];
        var rows = scores.AsSpan<float>().ToArray().Chunk((int)(scores.ElementCount / 3)).ToArray();
        scores.Dispose();

        Assert.Equal(3, scores.Shape[0]);
        Assert.All(rows.SelectMany(r => r), v => Assert.True(float.IsFinite(v)));
        Assert.Equal(rows[0], rows[2]);
        Assert.NotEqual(rows[0], rows[1]);

        using var partial = Batch(Serialize(("culmen_length_mm", Floats(0.2f))));
        var error = await Assert.ThrowsAsync<NServe.Core.Errors.ServingException>(async () =>
            await servable.RunAsync("serving_default", new Dictionary<string, Tensor> { ["examples"] = partial }, null, CancellationToken.None));
        Assert.Contains("is required but could not be found", error.Message);
    }
}
