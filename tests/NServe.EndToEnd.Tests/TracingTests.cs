using System.Net;
using System.Text;
using NServe.EndToEnd.Tests.Infrastructure;

namespace NServe.EndToEnd.Tests;

/// <summary>Traces reach an OTLP/HTTP collector with NServe's spans in them.</summary>
public sealed class TracingTests
{
    [Fact]
    public async Task PredictSpansAreExportedOverOtlp()
    {
        var port = FreePort.Next();
        using var collector = new HttpListener();
        collector.Prefixes.Add($"http://127.0.0.1:{port}/");
        collector.Start();
        var received = new List<byte[]>();
        var receiving = Task.Run(async () =>
        {
            while (collector.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await collector.GetContextAsync();
                }
                catch (HttpListenerException)
                {
                    return;
                }
                catch (ObjectDisposedException)
                {
                    return;
                }

                using var body = new MemoryStream();
                await context.Request.InputStream.CopyToAsync(body);
                lock (received)
                {
                    received.Add(body.ToArray());
                }

                context.Response.StatusCode = 200;
                context.Response.Close();
            }
        });

        await using var server = await ServerProcess.StartAsync(
            "--model_name=half_plus_two", "--model_base_path=examples/half_plus_two", $"--otlp_endpoint=http://127.0.0.1:{port}", "--enable_batching");
        var (status, _) = await Json.PostAsync(server.Http, "/v1/models/half_plus_two:predict", """{"instances": [1.0]}""");
        Assert.Equal(200, status);

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        string everything;
        do
        {
            await Task.Delay(250);
            lock (received)
            {
                everything = string.Join("\n", received.Select(Encoding.Latin1.GetString));
            }
        }
        while (!everything.Contains("nserve.encode", StringComparison.Ordinal) && DateTime.UtcNow < deadline);

        // OTLP protobuf carries span names as plain strings.
        Assert.Contains("nserve.decode", everything);
        Assert.Contains("nserve.run", everything);
        Assert.Contains("nserve.encode", everything);
        Assert.Contains("nserve.queue", everything);
        Assert.Contains("nserve", everything);
        collector.Stop();
        await receiving;
    }
}
