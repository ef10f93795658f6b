using NServe.Core.Errors;
using NServe.Storage.Tests.Infrastructure;

namespace NServe.Storage.Tests;

/// <summary>The file-system source over S3, against moto_server started by the tests.</summary>
public sealed class S3StorageTests(MotoServer moto) : RemoteStorageScenarios, IClassFixture<MotoServer>
{
    protected override Task<TestStore> NewStoreAsync() => moto.NewBucketAsync();

    [MotoFact]
    public Task LoadsVersionsPresentAtStart() => LoadsTheVersionsPresentAtStart();

    [MotoFact]
    public Task LoadsANewVersionOnceItsUploadHasSettled() => LoadsAVersionUploadedWhileServingOnceItSettles();

    [MotoFact]
    public Task HalfUploadedVersionIsNotLoaded() => DoesNotLoadAHalfUploadedVersion();

    [MotoFact]
    public Task DeletedVersionIsUnloaded() => UnloadsADeletedVersionAndRemovesItsCopy();

    [MotoFact]
    public Task ObjectRewrittenAfterListingIsNotCopied() => NeverKeepsACopyOfAnObjectRewrittenAfterListing();

    [MotoFact]
    public Task MissingBucketIsReportedWhileServingContinues() => KeepsServingWhenTheStoreDisappears("does not exist");

    [MotoFact]
    public async Task TensorFlowS3EndpointVariableIsHonoured()
    {
        // TF's form: host:port without a scheme, plain HTTP when S3_USE_HTTPS=0.
        var environment = new Dictionary<string, string>
        {
            ["AWS_ACCESS_KEY_ID"] = "testing",
            ["AWS_SECRET_ACCESS_KEY"] = "testing",
            ["S3_ENDPOINT"] = new Uri(moto.Endpoint).Authority,
            ["S3_USE_HTTPS"] = "0",
        };
        var store = await moto.NewBucketAsync(environment);
        await store.PutAsync("4/model.onnx", LinearModel.Bytes(1, 1));
        await using var harness = SourceHarness.Create(store.Lookup);

        await harness.WatchAsync(store.BasePath);

        Assert.Equal([4L], harness.Available());
        Assert.Equal(2f, await harness.RunAsync(4));
    }

    [MotoFact]
    public async Task RefusedCredentialsAreReported()
    {
        // A second moto with authentication on: keys it never issued are refused, as AWS refuses them.
        using var strict = ExternalServer.Start(
            MotoServer.Executable,
            port => ["-H", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture)],
            new Dictionary<string, string> { ["INITIAL_NO_AUTH_ACTION_COUNT"] = "0" });
        var environment = new Dictionary<string, string>(moto.Environment) { ["AWS_ENDPOINT_URL_S3"] = $"http://127.0.0.1:{strict.Port}" };

        await ReportsRefusedCredentials(
            name => environment.TryGetValue(name, out var value) ? value : null,
            "s3://models/linear",
            "S3 rejected the credentials",
            StatusCode.Unauthenticated);
    }

    [MotoFact]
    public Task MissingBucketIsReportedInTheStatusUntilCreated() => ReportsAMissingStoreInTheStatusUntilItIsCreated("does not exist");

    [Fact]
    public Task UnreachableEndpointIsReportedInTheStatus()
    {
        var environment = new Dictionary<string, string>
        {
            ["AWS_ACCESS_KEY_ID"] = "testing",
            ["AWS_SECRET_ACCESS_KEY"] = "testing",
            ["AWS_REGION"] = "us-east-1",
            ["AWS_ENDPOINT_URL_S3"] = $"http://127.0.0.1:{ExternalServer.FreePort()}",
        };
        return ReportsAnUnreachableEndpoint(name => environment.TryGetValue(name, out var value) ? value : null, "s3://models/linear", "Could not reach S3");
    }
}
