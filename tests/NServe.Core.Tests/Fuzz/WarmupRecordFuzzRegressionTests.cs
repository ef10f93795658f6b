using NServe.Core.Errors;
using NServe.Core.Tests.Warmup;
using NServe.Core.Warmup;
using Microsoft.Extensions.Logging.Abstractions;

namespace NServe.Core.Tests.Fuzz;

/// <summary>
/// An input AFL++ found (fuzz target tfrecord): a warmup record that Google.Protobuf rejects with
/// InvalidOperationException ("SkipLastField cannot be called at the end of a stream"), not
/// InvalidProtocolBufferException, escaped the replayer instead of failing the warmup with InvalidArgument.
/// </summary>
public sealed class WarmupRecordFuzzRegressionTests : IDisposable
{
    private static readonly byte[] Record =
    [
        0x32, 0x39, 0x0A, 0x37, 0x0A, 0x16, 0x0A, 0x01, 0x6D, 0x1A, 0x0F, 0x73, 0x49, 0x72, 0x76, 0x63, 0x6E, 0x67, 0x5F, 0x64,
        0x65, 0x66, 0x61, 0x75, 0x6C, 0x74, 0x12, 0x1F, 0x0A, 0x01, 0xE8, 0x09, 0x3D, 0x08, 0x01, 0x12, 0x08, 0x12, 0x02, 0x08,
        0x01, 0x12, 0x02, 0x05, 0x00, 0x00, 0x17, 0x00,
    ];

    private readonly string _version = Directory.CreateTempSubdirectory("nserve-warmup-fuzz-").FullName;

    public void Dispose() => Directory.Delete(_version, recursive: true);

    [Fact]
    public async Task A_record_protobuf_rejects_with_InvalidOperationException_is_InvalidArgument()
    {
        WarmupRecords.WriteRaw(_version, [Record]);
        var replayer = new WarmupReplayer(new WarmupOptions(), NullLogger<WarmupReplayer>.Instance);

        var error = await Assert.ThrowsAsync<ServingException>(() => replayer.WarmUpAsync(new WarmupTestServable(), _version, CancellationToken.None));

        Assert.Equal(StatusCode.InvalidArgument, error.Code);
        Assert.StartsWith("Failed to parse warmup record: record 1 (", error.Message, StringComparison.Ordinal);
    }
}
