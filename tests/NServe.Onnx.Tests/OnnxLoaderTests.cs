using NServe.Core.Errors;
using NServe.Core.Servables;
using NServe.Core.Tensors;
using static NServe.Onnx.Tests.ServableRunner;

namespace NServe.Onnx.Tests;

public sealed class OnnxLoaderTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("nserve-onnx-loader-").FullName;
    private readonly OnnxLoader _loader = new(OnnxRuntimeOptions.Default);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void CanLoadOnlyFoldersWithModelOnnx()
    {
        Assert.Equal("onnx", _loader.Platform);
        Assert.False(_loader.CanLoad(_folder));
        File.WriteAllBytes(Path.Combine(_folder, "model.onnx"), TestModels.HalfPlusTwo());
        Assert.True(_loader.CanLoad(_folder));
    }

    [Fact]
    public async Task LoadsAVersionFolder()
    {
        File.WriteAllBytes(Path.Combine(_folder, "model.onnx"), TestModels.HalfPlusTwo());
        using var servable = await _loader.LoadAsync(new ServableId("m", 7), _folder, default);

        Assert.Equal(new ServableId("m", 7), servable.Id);
        Assert.Equal("onnx", servable.Platform);
        using var x = Floats([1], 4f);
        using var y = (await servable.Predict(new Dictionary<string, Tensor> { ["x"] = x }))["y"];
        Assert.Equal(4f, y.AsSpan<float>()[0]);
    }

    [Fact]
    public async Task CorruptModelFailsNamingTheFileAndOrtsReason()
    {
        var path = Path.Combine(_folder, "model.onnx");
        File.WriteAllBytes(path, "this is not an onnx model"u8.ToArray());

        var error = await Assert.ThrowsAsync<ServingException>(() => _loader.LoadAsync(new ServableId("m", 1), _folder, default));
        Assert.StartsWith($"Failed to load ONNX model {path}: ", error.Message);
        Assert.Contains("Protobuf", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.NotEqual(StatusCode.Ok, error.Code);
    }

    [Fact]
    public async Task TruncatedModelFailsToLoad()
    {
        var model = TestModels.TwoInputs();
        File.WriteAllBytes(Path.Combine(_folder, "model.onnx"), model[..(model.Length / 2)]);

        var error = await Assert.ThrowsAsync<ServingException>(() => _loader.LoadAsync(new ServableId("m", 1), _folder, default));
        Assert.Contains("model.onnx", error.Message);
    }

    [Fact]
    public async Task MissingModelFileIsNotFound()
    {
        var error = await Assert.ThrowsAsync<ServingException>(() => _loader.LoadAsync(new ServableId("m", 1), _folder, default));
        Assert.Equal(StatusCode.NotFound, error.Code);
        Assert.Contains("model.onnx", error.Message);
    }
}
