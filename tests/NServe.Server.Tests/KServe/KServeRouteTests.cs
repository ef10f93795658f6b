using NServe.Core.Errors;
using NServe.Server.KServe;

namespace NServe.Server.Tests.KServe;

public sealed class KServeRouteTests
{
    [Theory]
    [InlineData("/v2", KServeOperation.ServerMetadata, null, null)]
    [InlineData("/v2/health/live", KServeOperation.ServerLive, null, null)]
    [InlineData("/v2/health/ready", KServeOperation.ServerReady, null, null)]
    [InlineData("/v2/models/m", KServeOperation.ModelMetadata, "m", null)]
    [InlineData("/v2/models/m/ready", KServeOperation.ModelReady, "m", null)]
    [InlineData("/v2/models/m/infer", KServeOperation.ModelInfer, "m", null)]
    [InlineData("/v2/models/m/versions/12", KServeOperation.ModelMetadata, "m", "12")]
    [InlineData("/v2/models/m/versions/12/ready", KServeOperation.ModelReady, "m", "12")]
    [InlineData("/v2/models/m/versions/abc/infer", KServeOperation.ModelInfer, "m", "abc")]
    [InlineData("/v2/models/a%2Fb%20c", KServeOperation.ModelMetadata, "a/b c", null)]
    [InlineData("/v2/models/ready", KServeOperation.ModelMetadata, "ready", null)]
    public void PathsMapToOperations(string path, KServeOperation operation, string? model, string? version)
    {
        var route = KServeRoute.Parse(path);
        Assert.Equal(new KServeRoute(operation, model, version), route);
        Assert.Equal(operation == KServeOperation.ModelInfer ? "POST" : "GET", route.Method);
    }

    [Theory]
    [InlineData("/v2/")]
    [InlineData("/v2/health")]
    [InlineData("/v2/health/alive")]
    [InlineData("/v2/models")]
    [InlineData("/v2/models/")]
    [InlineData("/v2/models/m/predict")]
    [InlineData("/v2/models/m/versions")]
    [InlineData("/v2/models/m/versions/1/infer/more")]
    [InlineData("/V2/models/m")]
    [InlineData("/v2/Models/m")]
    public void OtherPathsAreNotFound(string path)
    {
        var error = Assert.Throws<ServingException>(() => KServeRoute.Parse(path));
        Assert.Equal(StatusCode.NotFound, error.Code);
    }

    [Fact]
    public void AnEmptyVersionSegmentIsABadRequest()
    {
        var error = Assert.Throws<ServingException>(() => KServeRoute.Parse("/v2/models/m/versions//infer"));
        Assert.Equal(StatusCode.InvalidArgument, error.Code);
    }

    [Theory]
    [InlineData("/v2", true)]
    [InlineData("/v2/", true)]
    [InlineData("/v2/models/m/infer", true)]
    [InlineData("/v1/models/m", false)]
    [InlineData("/v20", false)]
    [InlineData("/V2/health/live", false)]
    [InlineData("/", false)]
    public void TheHandlerClaimsOnlyV2Paths(string path, bool claimed) => Assert.Equal(claimed, KServeRoute.IsKServePath(path));
}
