using NServe.Core.Errors;
using NServe.Storage.Tests.Infrastructure;

namespace NServe.Storage.Tests;

/// <summary>The file-system source over Azure Blob storage, against Azurite started by the tests.</summary>
public sealed class AzureBlobStorageTests(AzuriteServer azurite) : RemoteStorageScenarios, IClassFixture<AzuriteServer>
{
    protected override Task<TestStore> NewStoreAsync() => azurite.NewContainerAsync();

    [AzuriteFact]
    public Task LoadsVersionsPresentAtStart() => LoadsTheVersionsPresentAtStart();

    [AzuriteFact]
    public Task LoadsANewVersionOnceItsUploadHasSettled() => LoadsAVersionUploadedWhileServingOnceItSettles();

    [AzuriteFact]
    public Task HalfUploadedVersionIsNotLoaded() => DoesNotLoadAHalfUploadedVersion();

    [AzuriteFact]
    public Task DeletedVersionIsUnloaded() => UnloadsADeletedVersionAndRemovesItsCopy();

    [AzuriteFact]
    public Task ObjectRewrittenAfterListingIsNotCopied() => NeverKeepsACopyOfAnObjectRewrittenAfterListing();

    [AzuriteFact]
    public Task MissingContainerIsReportedWhileServingContinues() => KeepsServingWhenTheStoreDisappears("does not exist");

    [AzuriteFact]
    public async Task RefusedCredentialsAreReported()
    {
        var store = await azurite.NewContainerAsync();
        var wrongKey = Convert.ToBase64String(new byte[64]);
        var environment = new Dictionary<string, string> { ["AZURE_STORAGE_CONNECTION_STRING"] = azurite.ConnectionString(wrongKey) };

        await ReportsRefusedCredentials(
            name => environment.TryGetValue(name, out var value) ? value : null,
            store.BasePath,
            "Access denied to az://",
            StatusCode.PermissionDenied);
    }

    [AzuriteFact]
    public Task MissingContainerIsReportedInTheStatusUntilCreated() => ReportsAMissingStoreInTheStatusUntilItIsCreated("does not exist");

    [Fact]
    public Task UnreachableEndpointIsReportedInTheStatus()
    {
        var port = ExternalServer.FreePort();
        var environment = new Dictionary<string, string>
        {
            ["AZURE_STORAGE_CONNECTION_STRING"] =
                $"DefaultEndpointsProtocol=http;AccountName={AzuriteServer.Account};AccountKey={AzuriteServer.AccountKey};BlobEndpoint=http://127.0.0.1:{port}/{AzuriteServer.Account};",
        };
        return ReportsAnUnreachableEndpoint(
            name => environment.TryGetValue(name, out var value) ? value : null,
            $"az://{AzuriteServer.Account}/models/linear",
            "Could not reach Azure Blob storage");
    }
}
