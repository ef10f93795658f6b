using NServe.Core.Servables;
using NServe.Core.Tensors;
using static NServe.Onnx.Tests.ServableRunner;

namespace NServe.Onnx.Tests;

public sealed class OnnxServablePredictTests : IDisposable
{
    private static readonly ServableId HalfId = new("half_plus_two", 1);
    private readonly OnnxServable _halfPlusTwo = OnnxServable.FromBytes(HalfId, TestModels.HalfPlusTwo(), OnnxRuntimeOptions.Default);
    private readonly OnnxServable _twoInputs = OnnxServable.FromBytes(new("two_inputs", 3), TestModels.TwoInputs(), new OnnxRuntimeOptions { IntraOpThreads = 1 });

    public void Dispose()
    {
        _halfPlusTwo.Dispose();
        _twoInputs.Dispose();
    }

    [Fact]
    public async Task HalfPlusTwoAnswersTheTutorialRequest()
    {
        using var x = Floats([3], 1f, 2f, 5f);
        var outputs = await _halfPlusTwo.Predict(new Dictionary<string, Tensor> { ["x"] = x });

        var y = Assert.Single(outputs);
        Assert.Equal("y", y.Key);
        Assert.Equal(TensorDataType.Float, y.Value.DataType);
        Assert.Equal([3L], y.Value.Shape);
        Assert.Equal([2.5f, 3f, 4.5f], y.Value.AsSpan<float>().ToArray());
        y.Value.Dispose();
    }

    [Fact]
    public void HalfPlusTwoSignatureComesFromTheGraph()
    {
        Assert.Equal("onnx", _halfPlusTwo.Platform);
        Assert.Equal(HalfId, _halfPlusTwo.Id);
        var signature = Assert.Single(_halfPlusTwo.Signatures);
        Assert.Equal("serving_default", signature.Key);
        Assert.Equal("tensorflow/serving/predict", signature.Value.MethodName);

        var input = Assert.Single(signature.Value.Inputs);
        Assert.Equal("x", input.Key);
        Assert.Equal("x", input.Value.Name);
        Assert.Equal(TensorDataType.Float, input.Value.DataType);
        Assert.Equal([-1L], input.Value.Shape!);

        var output = Assert.Single(signature.Value.Outputs);
        Assert.Equal("y", output.Key);
        Assert.Equal([-1L], output.Value.Shape!);
    }

    [Fact]
    public void TwoInputsSignatureKeepsGraphOrderDtypesAndDynamicDims()
    {
        var signature = _twoInputs.Signatures[Signature.DefaultKey];
        Assert.Equal(["x1", "inputs_id"], signature.Inputs.Select(p => p.Key));
        Assert.Equal(["out", "pre"], signature.Outputs.Select(p => p.Key));
        Assert.Equal(TensorDataType.Int32, signature.InputsByAlias["inputs_id"].DataType);
        Assert.Equal([-1L, 3], signature.InputsByAlias["x1"].Shape!);
        Assert.Equal([-1L, 3], signature.InputsByAlias["inputs_id"].Shape!);
        Assert.Equal([-1L, 3, 10], signature.OutputsByAlias["pre"].Shape!);
    }

    [Fact]
    public async Task TwoInputsComputesOutAndGathersEmbeddingRows()
    {
        using var x1 = Floats([2, 3], 1f, 2f, 5f, 0f, -2f, 10f);
        using var ids = Ints([2, 3], 1, 2, 3, 0, 99, 42);
        var outputs = await _twoInputs.Predict(new Dictionary<string, Tensor> { ["x1"] = x1, ["inputs_id"] = ids });

        Assert.Equal(["out", "pre"], outputs.Keys);
        using var output = outputs["out"];
        Assert.Equal([2L, 3], output.Shape);
        Assert.Equal([2.5f, 3f, 4.5f, 2f, 1f, 7f], output.AsSpan<float>().ToArray());

        using var pre = outputs["pre"];
        Assert.Equal([2L, 3, 10], pre.Shape);
        var rows = new[] { 1, 2, 3, 0, 99, 42 };
        var values = pre.AsSpan<float>();
        for (var r = 0; r < rows.Length; r++)
        {
            for (var c = 0; c < 10; c++)
            {
                Assert.Equal(TestModels.TableValue(rows[r], c), values[(r * 10) + c]);
            }
        }
    }

    [Fact]
    public async Task OutputFilterReturnsOnlyTheNamedOutputsInFilterOrder()
    {
        using var x1 = Floats([1, 3], 1f, 2f, 3f);
        using var ids = Ints([1, 3], 4, 5, 6);
        var inputs = new Dictionary<string, Tensor> { ["x1"] = x1, ["inputs_id"] = ids };

        var onlyPre = await _twoInputs.Predict(inputs, ["pre"]);
        using (var pre = Assert.Single(onlyPre).Value)
        {
            Assert.Equal([1L, 3, 10], pre.Shape);
            Assert.Equal(TestModels.TableValue(4, 0), pre.AsSpan<float>()[0]);
        }

        var both = await _twoInputs.Predict(inputs, ["pre", "out"]);
        Assert.Equal(["pre", "out"], both.Keys);
        foreach (var tensor in both.Values)
        {
            tensor.Dispose();
        }
    }

    [Fact]
    public async Task EmptyBatchGivesEmptyOutput()
    {
        using var x = Floats([0]);
        var outputs = await _halfPlusTwo.Predict(new Dictionary<string, Tensor> { ["x"] = x });
        using var y = outputs["y"];
        Assert.Equal([0L], y.Shape);
        Assert.Equal(0, y.Bytes.Length);
    }

    [Fact]
    public async Task OutputMemoryBelongsToTheOutputTensor()
    {
        using var x = Floats([2], 2f, 4f);
        var outputs = await _halfPlusTwo.Predict(new Dictionary<string, Tensor> { ["x"] = x });
        var y = outputs["y"];
        var memory = y.Bytes;
        Assert.Equal(8, memory.Length);

        y.Dispose();

        // The memory was ORT's output value, released with the tensor.
        Assert.Throws<ObjectDisposedException>(() => memory.Span.Length);
    }

    [Fact]
    public async Task ConcurrentRequestsOnOneSessionGetTheirOwnAnswers()
    {
        var tasks = Enumerable.Range(0, 8).Select(worker => Task.Run(async () =>
        {
            for (var i = 0; i < 50; i++)
            {
                var value = (worker * 1000) + i;
                using var x = Floats([2], value, -value);
                var outputs = await _halfPlusTwo.Predict(new Dictionary<string, Tensor> { ["x"] = x });
                using var y = outputs["y"];
                Assert.Equal([(0.5f * value) + 2f, (-0.5f * value) + 2f], y.AsSpan<float>().ToArray());
            }
        }));
        await Task.WhenAll(tasks);
    }

    [Fact]
    public async Task UnknownSignatureKeyIsAFailedPrecondition()
    {
        using var x = Floats([1], 1f);
        var error = await Assert.ThrowsAsync<Core.Errors.ServingException>(() =>
            _halfPlusTwo.RunAsync("nope", new Dictionary<string, Tensor> { ["x"] = x }, null, default).AsTask());
        Assert.Equal(Core.Errors.StatusCode.FailedPrecondition, error.Code);
        Assert.Equal("Serving signature key \"nope\" not found.", error.Message);
    }
}
