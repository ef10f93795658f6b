using System.IO.Compression;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using NServe.EndToEnd.Tests.Infrastructure;

namespace NServe.EndToEnd.Tests;

/// <summary>The REST v1 API on the demo model, through the real server over HTTP.</summary>
public sealed class RestPredictTests(HalfPlusTwoServer fixture) : IClassFixture<HalfPlusTwoServer>
{
    private HttpClient Http => fixture.Server.Http;

    [Fact]
    public async Task TutorialRowRequestAnswersPredictions()
    {
        var (status, body) = await Json.PostAsync(Http, "/v1/models/half_plus_two:predict", """{"instances": [1.0, 2.0, 5.0]}""");
        Assert.Equal(200, status);
        Assert.Equal([2.5, 3.0, 4.5], Json.Numbers(body, "predictions"));
    }

    [Fact]
    public async Task ColumnarRequestAnswersOutputs()
    {
        var (status, body) = await Json.PostAsync(Http, "/v1/models/half_plus_two:predict", """{"inputs": [1.0, 2.0, 5.0], "signature_name": "serving_default"}""");
        Assert.Equal(200, status);
        Assert.Equal([2.5, 3.0, 4.5], Json.Numbers(body, "outputs"));
    }

    [Fact]
    public async Task SpecificVersionAndCaseInsensitivePrefixWork()
    {
        var (status, body) = await Json.PostAsync(Http, "/V1/models/half_plus_two/versions/1:predict", """{"instances": [4.0]}""");
        Assert.Equal(200, status);
        Assert.Equal([4.0], Json.Numbers(body, "predictions"));
    }

    [Fact]
    public async Task GzipBodiesAreInflated()
    {
        var raw = Encoding.UTF8.GetBytes("""{"instances": [2.0]}""");
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(raw);
        }

        using var content = new ByteArrayContent(compressed.ToArray());
        content.Headers.ContentEncoding.Add("gzip");
        using var response = await Http.PostAsync("/v1/models/half_plus_two:predict", content);
        Assert.Equal(200, (int)response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal([3.0], Json.Numbers(text, "predictions"));
    }

    [Fact]
    public async Task NonFiniteValuesTravelAsBareTokens()
    {
        var (status, body) = await Json.PostAsync(Http, "/v1/models/half_plus_two:predict", """{"instances": [NaN, Infinity, -Infinity]}""");
        Assert.Equal(200, status);
        Assert.Matches(@"\[\s*NaN\s*,\s*Infinity\s*,\s*-Infinity\s*\]", body);
    }

    [Fact]
    public async Task StatusListsTheAvailableVersion()
    {
        var (status, body) = await Json.GetAsync(Http, "/v1/models/half_plus_two");
        Assert.Equal(200, status);
        using var document = JsonDocument.Parse(body);
        var version = Assert.Single(document.RootElement.GetProperty("model_version_status").EnumerateArray());
        Assert.Equal("1", version.GetProperty("version").GetString());
        Assert.Equal("AVAILABLE", version.GetProperty("state").GetString());
        Assert.Equal("OK", version.GetProperty("status").GetProperty("error_code").GetString());
        Assert.Equal("", version.GetProperty("status").GetProperty("error_message").GetString());

        var (one, _) = await Json.GetAsync(Http, "/v1/models/half_plus_two/versions/1");
        Assert.Equal(200, one);
        var (missing, missingBody) = await Json.GetAsync(Http, "/v1/models/half_plus_two/versions/9");
        Assert.Equal(404, missing);
        Assert.Equal("Could not find version 9 of model half_plus_two", Json.Error(missingBody));
        var (unknown, unknownBody) = await Json.GetAsync(Http, "/v1/models/nope");
        Assert.Equal(404, unknown);
        Assert.Equal("Could not find any versions of model nope", Json.Error(unknownBody));
    }

    [Fact]
    public async Task MetadataDescribesTheSignature()
    {
        var (status, body) = await Json.GetAsync(Http, "/v1/models/half_plus_two/metadata");
        Assert.Equal(200, status);
        using var document = JsonDocument.Parse(body);
        var spec = document.RootElement.GetProperty("model_spec");
        Assert.Equal("half_plus_two", spec.GetProperty("name").GetString());
        Assert.Equal("1", spec.GetProperty("version").GetString());
        Assert.Equal("", spec.GetProperty("signature_name").GetString());
        var signature = document.RootElement.GetProperty("metadata").GetProperty("signature_def").GetProperty("signature_def").GetProperty("serving_default");
        Assert.Equal("tensorflow/serving/predict", signature.GetProperty("method_name").GetString());
        var x = signature.GetProperty("inputs").GetProperty("x");
        Assert.Equal("DT_FLOAT", x.GetProperty("dtype").GetString());
        Assert.Equal("-1", x.GetProperty("tensor_shape").GetProperty("dim")[0].GetProperty("size").GetString());
        Assert.False(x.GetProperty("tensor_shape").GetProperty("unknown_rank").GetBoolean());
        Assert.Equal("DT_FLOAT", signature.GetProperty("outputs").GetProperty("y").GetProperty("dtype").GetString());
    }

    [Theory]
    [InlineData("", 400, "JSON Parse error: The document is empty")]
    [InlineData("instances = [1, 2]", 400, "JSON Parse error: Invalid value")]
    [InlineData("""{"instances": [1.0], "inputs": [1.0]}""", 400, "expecting only one of 'inputs' or 'instances' keys to exist")]
    [InlineData("""{"signature_name": "serving_default"}""", 400, "Missing 'inputs' or 'instances' key")]
    [InlineData("""{"instances": [[1.0, 2.0], [3.0]]}""", 400, "")]
    [InlineData("""{"instances": ["x", "y"]}""", 400, "not of expected type: float")]
    [InlineData("""{"signature_name": 100}""", 400, "'signature_name' key must be a string value.")]
    [InlineData("""{"signature_name": "nope", "instances": [1.0]}""", 400, "Serving signature name: \"nope\" not found in signature def")]
    [InlineData("""{"instances": [[1.0, 2.0]]}""", 400, "")]
    public async Task BadRequestsGetTfServingErrorsAndTheServerKeepsServing(string body, int expectedStatus, string expectedMessage)
    {
        var (status, response) = await Json.PostAsync(Http, "/v1/models/half_plus_two:predict", body);
        Assert.Equal(expectedStatus, status);
        Assert.Contains(expectedMessage, Json.Error(response));

        var (after, afterBody) = await Json.PostAsync(Http, "/v1/models/half_plus_two:predict", """{"instances": [2.0]}""");
        Assert.Equal(200, after);
        Assert.Equal([3.0], Json.Numbers(afterBody, "predictions"));
    }

    [Theory]
    [InlineData("/v1/models/nope:predict", 404, "Servable not found for request: Latest(nope)")]
    [InlineData("/v1/models/half_plus_two/versions/7:predict", 404, "Servable not found for request: Specific(half_plus_two, 7)")]
    [InlineData("/v1/models/half_plus_two/labels/stable:predict", 400, "Unrecognized servable version label: stable")]
    [InlineData("/v1/models/half_plus_two/version/7:predict", 400, "Malformed request: POST /v1/models/half_plus_two/version/7:predict")]
    public async Task UnknownModelsVersionsAndUrlsAreReported(string path, int expectedStatus, string expectedMessage)
    {
        var (status, body) = await Json.PostAsync(Http, path, """{"instances": [1.0]}""");
        Assert.Equal(expectedStatus, status);
        Assert.Equal(expectedMessage, Json.Error(body));
    }

    [Fact]
    public async Task PathsOutsideV1AreNotFound()
    {
        var (status, _) = await Json.GetAsync(Http, "/index");
        Assert.Equal(404, status);
    }

    [Fact]
    public async Task ErrorsAreJsonWithTheJsonContentType()
    {
        using var content = new StringContent("{", Encoding.UTF8, "application/json");
        using var response = await Http.PostAsync("/v1/models/half_plus_two:predict", content);
        Assert.Equal(400, (int)response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
    }
}
