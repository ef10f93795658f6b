using System.Text;
using NServe.EndToEnd.Tests.Infrastructure;
using Tensorflow;
using Tensorflow.Serving;
using Xunit.Abstractions;

namespace NServe.EndToEnd.Tests.BadInput;

/// <summary>
/// The bad-input battery (docs/reliability.md): every malformed REST and gRPC request of the tables, all
/// against one server process, each answered with its expected status and message; afterwards the server
/// is up, serves a good request, and its memory is flat across repeated passes.
/// </summary>
public sealed class BadInputBatteryTests(BadInputServer server, ITestOutputHelper output) : IClassFixture<BadInputServer>
{
    /// <summary>
    /// Growth allowed from the end of the first pass (pools filled, every error path JIT-compiled) to the end
    /// of the third. Bodies over 1 MiB are plain arrays the server GC frees when it next collects, and one
    /// pass makes about 70 MiB of them (a chunked body and a gunzip each growing past 16 MiB), which may still
    /// be resident when RSS is read; the bound is that plus slack. Leaking one request body per row (178
    /// rows, ten of them megabytes) or one large buffer per pass would exceed it.
    /// </summary>
    private const long MaxGrowthBytes = 128L << 20;

    public static IReadOnlyList<BadInputCase> Cases { get; } = [.. RestV1Cases.All(), .. KServeCases.All(), .. GrpcCases.All()];

    [Fact]
    public void The_battery_has_at_least_100_rows_with_distinct_names()
    {
        Assert.True(Cases.Count >= 100, $"only {Cases.Count} rows");
        Assert.Equal(Cases.Count, Cases.Select(c => c.Name).Distinct().Count());
    }

    [Fact]
    public async Task Every_row_gets_its_status_and_message_and_the_server_stays_up_with_flat_memory()
    {
        await AssertGoodRequestsSucceedAsync();

        var failures = await RunPassAsync(report: true);
        var afterFirst = server.Process.ResidentBytes;
        await RunPassAsync(report: false);
        await RunPassAsync(report: false);
        var afterThird = server.Process.ResidentBytes;
        output.WriteLine($"rows: {Cases.Count}; RSS after pass 1: {afterFirst >> 20} MiB, after pass 3: {afterThird >> 20} MiB");

        Assert.False(server.Process.HasExited, "the server exited:\n" + server.Process.Output);
        await AssertGoodRequestsSucceedAsync();
        Assert.True(failures.Count == 0, $"{failures.Count} of {Cases.Count} rows answered otherwise:\n" + string.Join("\n", failures));
        Assert.True(afterThird - afterFirst <= MaxGrowthBytes,
            $"RSS grew by {(afterThird - afterFirst) >> 20} MiB over two passes (bound {MaxGrowthBytes >> 20} MiB)");
    }

    private async Task<List<string>> RunPassAsync(bool report)
    {
        var failures = new List<string>();
        foreach (var row in Cases)
        {
            var answer = await row.Send(server);
            var ok = answer.Status == row.Status && answer.Message.Contains(row.Message, StringComparison.Ordinal);
            if (report)
            {
                output.WriteLine($"{(ok ? "ok  " : "FAIL")} {row.Name}: {answer.Status} {Shorten(answer.Message)}");
            }

            if (!ok)
            {
                failures.Add($"  {row.Name}: expected {row.Status} '{row.Message}', got {answer.Status} '{Shorten(answer.Message)}'");
            }
        }

        return failures;
    }

    private async Task AssertGoodRequestsSucceedAsync()
    {
        var (status, body) = await Json.PostAsync(server.Process.Http, "/v1/models/half_plus_two:predict", """{"instances": [1.0, 2.0, 5.0]}""");
        Assert.Equal(200, status);
        Assert.Equal([2.5, 3.0, 4.5], Json.Numbers(body, "predictions"));

        var client = new PredictionService.PredictionServiceClient(server.Process.Channel);
        var request = new PredictRequest { ModelSpec = new ModelSpec { Name = "half_plus_two" } };
        request.Inputs["x"] = new TensorProto { Dtype = DataType.DtFloat, TensorShape = new TensorShapeProto { Dim = { new TensorShapeProto.Types.Dim { Size = 2 } } }, FloatVal = { 1f, 2f } };
        var response = await client.PredictAsync(request);
        Assert.Equal([2.5f, 3f], response.Outputs["y"].FloatVal);
    }

    private static string Shorten(string text)
    {
        var flat = text.Replace('\n', ' ');
        return flat.Length <= 300 ? flat : string.Concat(flat.AsSpan(0, 300), "...");
    }
}
