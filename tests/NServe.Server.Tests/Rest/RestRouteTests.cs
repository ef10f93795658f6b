using NServe.Core.Errors;
using NServe.Server.Rest;

namespace NServe.Server.Tests.Rest;

/// <summary>TF Serving's own URL cases (http_rest_api_util_test.cc, http_rest_api_handler_test.cc).</summary>
public sealed class RestRouteTests
{
    private const string Encoded = "%21%23%24%25%26%27%28%29%2A%2B%2C%2F%3A%3B%3D%3F%40%5B%5D";
    private const string Decoded = "!#$%&'()*+,/:;=?@[]";

    [Theory]
    [InlineData("GET", "/v1/foo")]
    [InlineData("POST", "/v1/foo")]
    [InlineData("GET", "/v1/models/debug/model_name")]
    [InlineData("POST", "/v1/models")]
    [InlineData("GET", "/v1/models/foo:predict")]
    [InlineData("GET", "/v1/models/foo/version/50:predict")]
    [InlineData("POST", "/v1/models/foo/version/50:regress")]
    [InlineData("POST", "/v1/models/foo/versions/HELLO:regress")]
    [InlineData("POST", "/v1/models/foo/metadata")]
    [InlineData("POST", "/v1/models/foo/label/some_label:regress")]
    [InlineData("POST", "/v1/models/foo/versions/50/labels/some_label:regress")]
    [InlineData("POST", "/v1/models/foo/versions/some_label:regress")]
    [InlineData("POST", "/v1/models/foo:PREDICT")]
    [InlineData("POST", "/v1/models/foo:predict?x=1")]
    [InlineData("POST", "/v1/models/:predict")]
    [InlineData("POST", "/v1/models/foo/versions/:predict")]
    [InlineData("POST", "/v1/models/foo/versions/12x:predict")]
    [InlineData("POST", "/v1/models/foo/versions/7/:predict")]
    [InlineData("POST", "/v1/models/foo/labels/:predict")]
    [InlineData("POST", "/v1/models/foo/labels/a/b:predict")]
    [InlineData("POST", "/v1/models/foo:predictx")]
    [InlineData("POST", "/v1/models/foo:")]
    [InlineData("POST", "/v1/models/foo")]
    [InlineData("GET", "/v1/models/m/")]
    [InlineData("PUT", "/v1/models/m")]
    public void MalformedRequestsAreRejectedWithTfServingsMessage(string method, string target)
    {
        var error = Assert.Throws<ServingException>(() => RestRoute.Parse(method, target));
        Assert.Equal(StatusCode.InvalidArgument, error.Code);
        Assert.Equal($"Malformed request: {method} {target}", error.Message);
    }

    [Fact]
    public void BareModelsListsThemAndAVersionWithoutANameIsAnError()
    {
        Assert.Equal(new RestRoute(RestOperation.ListModels, null, null, null), RestRoute.Parse("GET", "/v1/models"));
        var error = Assert.Throws<ServingException>(() => RestRoute.Parse("GET", "/v1/models/versions/3"));
        Assert.Equal(StatusCode.InvalidArgument, error.Code);
    }

    [Fact]
    public void AVersionBeyondInt64IsAConversionError()
    {
        var error = Assert.Throws<VersionConversionException>(() => RestRoute.Parse("POST", "/v1/models/foo/versions/18446744073709551615:predict"));
        Assert.Equal("Failed to convert version: 18446744073709551615 to numeric.", error.Message);
    }

    [Theory]
    [InlineData("/v1/models/modelname" + Encoded, "modelname" + Decoded, null, null, RestOperation.Status)]
    [InlineData("/v1/models/modelname/versions/99", "modelname", 99L, null, RestOperation.Status)]
    [InlineData("/v1/models/modelname/labels/latest", "modelname", null, "latest", RestOperation.Status)]
    [InlineData("/v1/models/modelname/labels/latest" + Encoded, "modelname", null, "latest" + Decoded, RestOperation.Status)]
    [InlineData("/v1/models/modelname/labels/latest/metadata", "modelname", null, "latest", RestOperation.Metadata)]
    [InlineData("/v1/models/m" + Encoded + "/labels/l" + Encoded + "/metadata", "m" + Decoded, null, "l" + Decoded, RestOperation.Metadata)]
    [InlineData("/V1/MODELS/m/VERSIONS/5/METADATA", "m", 5L, null, RestOperation.Status)]
    public void GetUrlsParse(string target, string name, long? version, string? label, RestOperation operation)
    {
        Assert.Equal(new RestRoute(operation, name, version, label), RestRoute.Parse("GET", target));
    }

    [Theory]
    [InlineData("/v1/models/modelname" + Encoded + ":predict", "modelname" + Decoded, null, null, RestOperation.Predict)]
    [InlineData("/v1/models/modelname/versions/99:predict", "modelname", 99L, null, RestOperation.Predict)]
    [InlineData("/v1/models/modelname/labels/latest:classify", "modelname", null, "latest", RestOperation.Classify)]
    [InlineData("/v1/models/m" + Encoded + "/labels/l" + Encoded + ":regress", "m" + Decoded, null, "l" + Decoded, RestOperation.Regress)]
    [InlineData("/V1/Models/m:predict", "m", null, null, RestOperation.Predict)]
    [InlineData("/v1/models/m/VERSIONS/7:predict", "m", 7L, null, RestOperation.Predict)]
    [InlineData("/v1/models/m/versions/007:regress", "m", 7L, null, RestOperation.Regress)]
    [InlineData("/v1/models/m%2Fx/labels/stable:predict", "m/x", null, "stable", RestOperation.Predict)]
    public void PostUrlsParse(string target, string name, long? version, string? label, RestOperation operation)
    {
        Assert.Equal(new RestRoute(operation, name, version, label), RestRoute.Parse("POST", target));
    }

    [Theory]
    [InlineData("/v1/models", true)]
    [InlineData("/V1/anything", true)]
    [InlineData("/statuspage", false)]
    [InlineData("/index", false)]
    public void OnlyV1PathsReachTheApi(string target, bool expected) => Assert.Equal(expected, RestRoute.IsApiPath(target));
}
