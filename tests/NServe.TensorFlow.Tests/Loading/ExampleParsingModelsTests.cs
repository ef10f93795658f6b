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
}
