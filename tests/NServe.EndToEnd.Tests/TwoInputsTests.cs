using NServe.EndToEnd.Tests.Infrastructure;

namespace NServe.EndToEnd.Tests;

/// <summary>The tutorial's multi-input model: x1 float [-1,3] and inputs_id int32 [-1,3] → out and pre.</summary>
public sealed class TwoInputsTests : IAsyncLifetime
{
    private ServerProcess _server = null!;

    public async Task InitializeAsync() =>
        _server = await ServerProcess.StartAsync("--model_name=two_inputs", $"--model_base_path={Path.Combine(TestPaths.Examples, "two_inputs")}");

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [InlineData("""{"instances": [{"x1": [1.0, 2.0, 5.0], "inputs_id": [1, 2, 3]}]}""", "predictions")]
    [InlineData("""{"inputs": {"x1": [[1.0, 2.0, 5.0]], "inputs_id": [[1, 2, 3]]}}""", "outputs")]
    [InlineData("""{"signature_name": "serving_default", "instances": [{"x1": [1.0, 2.0, 5.0], "inputs_id": [1, 2, 3]}]}""", "predictions")]
    [InlineData("""{"signature_name": "serving_default", "inputs": {"x1": [[1.0, 2.0, 5.0]], "inputs_id": [[1, 2, 3]]}}""", "outputs")]
    public async Task AllRequestFormsAnswerBothOutputs(string request, string key)
    {
        var (status, body) = await Json.PostAsync(_server.Http, "/v1/models/two_inputs:predict", request);
        Assert.Equal(200, status);
        using var document = System.Text.Json.JsonDocument.Parse(body);
        var root = document.RootElement.GetProperty(key);
        var (outText, preText) = key == "predictions"
            ? (root[0].GetProperty("out").GetRawText(), root[0].GetProperty("pre").GetRawText())
            : (root.GetProperty("out").GetRawText(), root.GetProperty("pre").GetRawText());
        Assert.Equal([2.5, 3.0, 4.5], Json.Numbers($$"""{"v": {{outText}}}""", "v"));
        var pre = Json.Numbers($$"""{"v": {{preText}}}""", "v");
        Assert.Equal(30, pre.Length);

        // The embedding table's row i, column j holds i + j/100 (examples/README.md).
        Assert.Equal(1.0, pre[0], 5);
        Assert.Equal(2.09, pre[19], 5);
        Assert.Equal(3.05, pre[25], 5);
    }

    [Fact]
    public async Task AnEmbeddingIdOutOfRangeIsABadRequest()
    {
        var (status, body) = await Json.PostAsync(_server.Http, "/v1/models/two_inputs:predict", """{"instances": [{"x1": [1.0, 2.0, 5.0], "inputs_id": [1, 2, 300]}]}""");
        Assert.Equal(400, status);
        Assert.NotEmpty(Json.Error(body));
        var (after, _) = await Json.PostAsync(_server.Http, "/v1/models/two_inputs:predict", """{"instances": [{"x1": [1.0, 2.0, 5.0], "inputs_id": [1, 2, 3]}]}""");
        Assert.Equal(200, after);
    }

    [Theory]
    [InlineData("""{"instances": [{"x1": [1.0, 2.0], "inputs_id": [1, 2]}]}""")]
    [InlineData("""{"instances": [{"x1": [1.0, 2.0, 5.0]}]}""")]
    [InlineData("""{"inputs": {"x1": [[1.0, 2.0, 5.0]], "inputs_id": [[1.5, 2, 3]]}}""")]
    public async Task ShapesAndTypesTheModelRejectsAreBadRequests(string request)
    {
        var (status, body) = await Json.PostAsync(_server.Http, "/v1/models/two_inputs:predict", request);
        Assert.Equal(400, status);
        Assert.NotEmpty(Json.Error(body));
    }
}
