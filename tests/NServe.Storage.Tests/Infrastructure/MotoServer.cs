using Amazon.S3;
using Amazon.S3.Model;

namespace NServe.Storage.Tests.Infrastructure;

/// <summary>moto_server on a free port, shared by a test class; <see cref="NewBucketAsync"/> makes a fresh bucket per test.</summary>
public sealed class MotoServer : IDisposable
{
    public const string Executable = "moto_server";
    private readonly Lazy<ExternalServer> _server = new(() => ExternalServer.Start(Executable, port => ["-H", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture)]));

    public string Endpoint => $"http://127.0.0.1:{_server.Value.Port}";

    /// <summary>The environment a server would be given: AWS's variables with the endpoint.</summary>
    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string>
    {
        ["AWS_ACCESS_KEY_ID"] = "testing",
        ["AWS_SECRET_ACCESS_KEY"] = "testing",
        ["AWS_REGION"] = "us-east-1",
        ["AWS_ENDPOINT_URL_S3"] = Endpoint,
    };

    public async Task<TestStore> NewBucketAsync(IReadOnlyDictionary<string, string>? environment = null)
    {
        var env = environment ?? Environment;
        var client = S3ClientSettings.CreateClient(name => env.TryGetValue(name, out var value) ? value : null);
        var bucket = "models-" + Guid.NewGuid().ToString("N")[..12];
        await client.PutBucketAsync(bucket);
        return new Bucket(client, bucket, env);
    }

    public void Dispose()
    {
        if (_server.IsValueCreated)
        {
            _server.Value.Dispose();
        }
    }

    private sealed class Bucket(IAmazonS3 client, string name, IReadOnlyDictionary<string, string> environment) : TestStore
    {
        private const string Prefix = "team/linear";

        public override string BasePath => $"s3://{name}/{Prefix}";

        public override IReadOnlyDictionary<string, string> Environment => environment;

        public override Task PutAsync(string relativeKey, byte[] content) =>
            client.PutObjectAsync(new PutObjectRequest { BucketName = name, Key = $"{Prefix}/{relativeKey}", InputStream = new MemoryStream(content) });

        public override async Task DeleteAsync(string relativePrefix)
        {
            var listed = await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = name, Prefix = $"{Prefix}/{relativePrefix}" });
            foreach (var item in listed.S3Objects ?? [])
            {
                await client.DeleteObjectAsync(name, item.Key);
            }
        }

        public override async Task DeleteStoreAsync()
        {
            await DeleteAsync("");
            await client.DeleteBucketAsync(name);
        }

        public override Task CreateStoreAsync() => client.PutBucketAsync(name);
    }
}
