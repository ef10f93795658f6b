using NServe.Core.Sources;

namespace NServe.Storage.Tests;

public sealed class StorageLocationTests
{
    [Theory]
    [InlineData("s3://bucket/team/linear/", "bucket", "team/linear", "team/linear/")]
    [InlineData("s3://bucket", "bucket", "", "")]
    [InlineData("S3://bucket/m", "bucket", "m", "m/")]
    public void S3PathsSplitIntoBucketAndPrefix(string basePath, string bucket, string prefix, string keyPrefix)
    {
        var location = S3Location.Parse(basePath);

        Assert.Equal(bucket, location.Bucket);
        Assert.Equal(prefix, location.Prefix);
        Assert.Equal(keyPrefix, location.KeyPrefix);
    }

    [Fact]
    public void S3PathWithoutBucketIsRefusedInWords()
    {
        var error = Assert.Throws<ModelStorageException>(() => S3Location.Parse("s3:///m"));
        Assert.Contains("names no bucket", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AzureShortFormNamesAccountContainerAndPrefix()
    {
        var location = AzureBlobLocation.Parse("az://acct/models/team/linear");

        Assert.Equal(("acct", "models", "team/linear", "team/linear/"), (location.Account, location.Container, location.Prefix, location.NamePrefix));
        Assert.Null(location.ServiceUri);
    }

    [Fact]
    public void AzureBlobUrlKeepsItsEndpoint()
    {
        var location = AzureBlobLocation.Parse("https://acct.blob.core.windows.net/models/linear");

        Assert.Equal(("acct", "models", "linear"), (location.Account, location.Container, location.Prefix));
        Assert.Equal(new Uri("https://acct.blob.core.windows.net"), location.ServiceUri);
    }

    [Theory]
    [InlineData("az://acct")]
    [InlineData("https://acct.blob.core.windows.net/")]
    public void AzurePathWithoutContainerIsRefused(string basePath) =>
        Assert.Throws<ModelStorageException>(() => AzureBlobLocation.Parse(basePath));

    [Theory]
    [InlineData("AWS_ENDPOINT_URL_S3", "http://minio:9000", "http://minio:9000")]
    [InlineData("AWS_ENDPOINT_URL", "http://other:9000", "http://other:9000")]
    [InlineData("S3_ENDPOINT", "minio:9000", "https://minio:9000")]
    public void S3EndpointComesFromTheStandardVariables(string name, string value, string expected)
    {
        Assert.Equal(expected, S3ClientSettings.Endpoint(n => n == name ? value : null));
    }

    [Fact]
    public void S3ServiceSpecificEndpointWinsAndTensorFlowHttpSwitchIsRead()
    {
        var both = new Dictionary<string, string> { ["AWS_ENDPOINT_URL_S3"] = "http://s3only", ["AWS_ENDPOINT_URL"] = "http://all" };
        Assert.Equal("http://s3only", S3ClientSettings.Endpoint(n => both.GetValueOrDefault(n)));

        var plain = new Dictionary<string, string> { ["S3_ENDPOINT"] = "127.0.0.1:9000", ["S3_USE_HTTPS"] = "0" };
        Assert.Equal("http://127.0.0.1:9000", S3ClientSettings.Endpoint(n => plain.GetValueOrDefault(n)));
        Assert.Null(S3ClientSettings.Endpoint(_ => null));
    }

    [Fact]
    public void RegistryPicksTheStoreByBasePath()
    {
        var registry = new ModelStorageRegistry(Path.GetTempPath()).AddCloudStorage(_ => null);

        Assert.IsType<S3ModelStorage>(registry.Create("m", "s3://bucket/m"));
        Assert.IsType<AzureBlobModelStorage>(registry.Create("m", "az://acct/container/m"));
        Assert.IsType<AzureBlobModelStorage>(registry.Create("m", "https://acct.blob.core.windows.net/container/m"));
        Assert.IsType<LocalModelStorage>(registry.Create("m", "/models/m"));
        Assert.IsType<LocalModelStorage>(registry.Create("m", "https://example.com/m"));
    }

    [Theory]
    [InlineData("s3://bucket/m")]
    [InlineData("az://acct/c/m")]
    [InlineData("https://acct.blob.core.windows.net/c/m")]
    public void UrisAreNotResolvedAgainstTheWorkingDirectory(string basePath) =>
        Assert.Equal(basePath, BasePaths.Resolve(basePath));
}
