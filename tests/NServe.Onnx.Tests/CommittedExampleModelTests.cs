using NServe.Core.Servables;
using NServe.Core.Tensors;
using static NServe.Onnx.Tests.ServableRunner;

namespace NServe.Onnx.Tests;

/// <summary>The models committed under examples/ answer as the README and the TF Serving tutorial say.</summary>
public sealed class CommittedExampleModelTests
{
    private readonly OnnxLoader _loader = new(OnnxRuntimeOptions.Default);

    [Fact]
    public async Task HalfPlusTwoExample()
    {
        using var servable = await Load("half_plus_two");
        using var x = Floats([3], 1f, 2f, 5f);
        using var y = (await servable.Predict(new Dictionary<string, Tensor> { ["x"] = x }))["y"];
        Assert.Equal([2.5f, 3f, 4.5f], y.AsSpan<float>().ToArray());
    }

    [Fact]
    public async Task TwoInputsExample()
    {
        using var servable = await Load("two_inputs");
        var signature = servable.Signatures[Signature.DefaultKey];
        Assert.Equal(["x1", "inputs_id"], signature.Inputs.Select(p => p.Key));
        Assert.Equal([-1L, 3, 10], signature.OutputsByAlias["pre"].Shape!);

        using var x1 = Floats([1, 3], 1f, 2f, 5f);
        using var ids = Ints([1, 3], 1, 2, 3);
        var outputs = await servable.Predict(new Dictionary<string, Tensor> { ["x1"] = x1, ["inputs_id"] = ids });
        using var output = outputs["out"];
        using var pre = outputs["pre"];
        Assert.Equal([2.5f, 3f, 4.5f], output.AsSpan<float>().ToArray());
        Assert.Equal(2f + 0.05f, pre.AsSpan<float>()[15]); // id 2, column 5
    }

    private async Task<IServable> Load(string name)
    {
        var folder = Path.Combine(RepositoryPaths.Root, "examples", name, "1");
        Assert.True(_loader.CanLoad(folder), $"{folder} has no model.onnx; regenerate with tools/NServe.ExampleModels");
        return await _loader.LoadAsync(new ServableId(name, 1), folder, default);
    }
}
