using NServe.Core.Errors;
using NServe.Core.Tensors;
using static NServe.Onnx.Tests.ServableRunner;

namespace NServe.Onnx.Tests;

public sealed class OnnxServableValidationTests : IDisposable
{
    private readonly OnnxServable _twoInputs = OnnxServable.FromBytes(new("two_inputs", 1), TestModels.TwoInputs(), OnnxRuntimeOptions.Default);

    public void Dispose() => _twoInputs.Dispose();

    [Fact]
    public async Task MissingInputNamesWhatIsMissing()
    {
        using var x1 = Floats([1, 3], 1f, 2f, 3f);
        var error = await Fails(new() { ["x1"] = x1 });
        Assert.Equal(
            "input size does not match signature: 1!=2 len({x1}) != len({inputs_id,x1}). Sent extra: {}. Missing but required: {inputs_id}.",
            error.Message);
    }

    [Fact]
    public async Task ExtraInputNamesWhatIsExtra()
    {
        using var x1 = Floats([1, 3], 1f, 2f, 3f);
        using var ids = Ints([1, 3], 1, 2, 3);
        using var bonus = Floats([1], 1f);
        var error = await Fails(new() { ["x1"] = x1, ["inputs_id"] = ids, ["bonus"] = bonus });
        Assert.Equal(
            "input size does not match signature: 3!=2 len({bonus,inputs_id,x1}) != len({inputs_id,x1}). Sent extra: {bonus}. Missing but required: {}.",
            error.Message);
    }

    [Fact]
    public async Task UnknownAliasInPlaceOfAnInputIsNamed()
    {
        using var x1 = Floats([1, 3], 1f, 2f, 3f);
        using var ids = Ints([1, 3], 1, 2, 3);
        var error = await Fails(new() { ["x1"] = x1, ["ids"] = ids });
        Assert.Equal("input tensor alias not found in signature: ids. Inputs expected to be in the set {inputs_id,x1}.", error.Message);
    }

    [Fact]
    public async Task WrongDtypeIsReportedInTensorFlowWords()
    {
        using var x1 = Floats([1, 3], 1f, 2f, 3f);
        using var ids = Longs([1, 3], 1, 2, 3);
        var error = await Fails(new() { ["x1"] = x1, ["inputs_id"] = ids });
        Assert.Equal("Expects arg[1] to be int32 but int64 is provided", error.Message);
    }

    [Fact]
    public async Task StringForAFloatInputIsADtypeError()
    {
        using var x1 = Tensor.FromStrings([1, 3], [[97], [98], [99]]);
        using var ids = Ints([1, 3], 1, 2, 3);
        var error = await Fails(new() { ["x1"] = x1, ["inputs_id"] = ids });
        Assert.Equal("Expects arg[0] to be float but string is provided", error.Message);
    }

    [Fact]
    public async Task WrongRankIsRejected()
    {
        using var x1 = Floats([3], 1f, 2f, 3f);
        using var ids = Ints([1, 3], 1, 2, 3);
        var error = await Fails(new() { ["x1"] = x1, ["inputs_id"] = ids });
        Assert.Equal("input 'x1' has shape [3] of rank 1, but the signature expects rank 2: [-1,3]", error.Message);
    }

    [Fact]
    public async Task WrongFixedDimensionIsRejected()
    {
        using var x1 = Floats([1, 3], 1f, 2f, 3f);
        using var ids = Ints([1, 4], 1, 2, 3, 4);
        var error = await Fails(new() { ["x1"] = x1, ["inputs_id"] = ids });
        Assert.Equal("input 'inputs_id' has shape [1,4], but the signature expects [-1,3]: dimension 1 must be 3", error.Message);
    }

    [Fact]
    public async Task UnknownOutputInFilterIsNamed()
    {
        using var x1 = Floats([1, 3], 1f, 2f, 3f);
        using var ids = Ints([1, 3], 1, 2, 3);
        var error = await Fails(new() { ["x1"] = x1, ["inputs_id"] = ids }, ["out", "nope"]);
        Assert.Equal("output tensor alias not found in signature: nope Outputs expected to be in the set {out,pre}.", error.Message);
    }

    [Fact]
    public async Task DuplicateOutputInFilterIsRejected()
    {
        using var x1 = Floats([1, 3], 1f, 2f, 3f);
        using var ids = Ints([1, 3], 1, 2, 3);
        var error = await Fails(new() { ["x1"] = x1, ["inputs_id"] = ids }, ["pre", "pre"]);
        Assert.Equal("duplicate output tensor alias: pre", error.Message);
    }

    [Fact]
    public async Task EmbeddingIdOutOfRangeIsTheClientsErrorAndTheModelKeepsServing()
    {
        using var x1 = Floats([1, 3], 1f, 2f, 3f);
        using var badIds = Ints([1, 3], 1, 2, 100);
        var error = await Fails(new() { ["x1"] = x1, ["inputs_id"] = badIds });
        Assert.Contains("Gather", error.Message);
        Assert.Contains("idx=100", error.Message);
        Assert.DoesNotContain("[ErrorCode", error.Message);

        using var goodIds = Ints([1, 3], 1, 2, 99);
        var outputs = await _twoInputs.Predict(new Dictionary<string, Tensor> { ["x1"] = x1, ["inputs_id"] = goodIds });
        using var pre = outputs["pre"];
        using var output = outputs["out"];
        Assert.Equal(TestModels.TableValue(99, 9), pre.AsSpan<float>()[29]);
    }

    [Fact]
    public async Task ShapesThatDoNotBroadcastAreTheClientsError()
    {
        using var add = OnnxServable.FromBytes(new("add", 1), TestModels.AddTwoVectors(), OnnxRuntimeOptions.Default);
        using var a = Floats([2], 1f, 2f);
        using var b = Floats([3], 1f, 2f, 3f);
        var error = await Assert.ThrowsAsync<ServingException>(() =>
            add.Predict(new Dictionary<string, Tensor> { ["a"] = a, ["b"] = b }));
        Assert.Equal(StatusCode.InvalidArgument, error.Code);
        Assert.Contains("broadcast", error.Message);
    }

    private async Task<ServingException> Fails(Dictionary<string, Tensor> inputs, string[]? outputFilter = null)
    {
        var error = await Assert.ThrowsAsync<ServingException>(() => _twoInputs.Predict(inputs, outputFilter));
        Assert.Equal(StatusCode.InvalidArgument, error.Code);
        return error;
    }
}
