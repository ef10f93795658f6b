using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NServe.Bench.Baseline;

// The bare baseline NServe is measured against: the same Kestrel ports (REST on HTTP/1.1, gRPC on HTTP/2)
// and the same ORT session, with the least work in between.
// usage: NServe.Bench.Baseline --model_path=PATH/model.onnx [--rest_api_port=8601] [--port=8600]
string? modelPath = null;
var restPort = 8601;
var grpcPort = 8600;
foreach (var arg in args)
{
    var parts = arg.TrimStart('-').Split('=', 2);
    switch (parts[0])
    {
        case "model_path":
            modelPath = parts[1];
            break;
        case "rest_api_port":
            restPort = int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
            break;
        case "port":
            grpcPort = int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
            break;
        default:
            Console.Error.WriteLine($"unknown argument {arg}");
            return 2;
    }
}

if (modelPath is null)
{
    Console.Error.WriteLine("usage: NServe.Bench.Baseline --model_path=PATH/model.onnx [--rest_api_port=8601] [--port=8600]");
    return 2;
}

using var model = new OrtModel(modelPath);
var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.WebHost.ConfigureKestrel(kestrel =>
{
    kestrel.AddServerHeader = false;
    kestrel.Limits.MaxRequestBodySize = null;
    kestrel.ListenAnyIP(grpcPort, listen => listen.Protocols = HttpProtocols.Http2);
    kestrel.ListenAnyIP(restPort, listen => listen.Protocols = HttpProtocols.Http1);
});
builder.Services.AddSingleton(model);
builder.Services.AddGrpc(grpc =>
{
    grpc.MaxReceiveMessageSize = int.MaxValue;
    grpc.MaxSendMessageSize = int.MaxValue;
});

var app = builder.Build();
app.Use((context, next) => context.Connection.LocalPort == restPort ? BareRestPredict.HandleAsync(context, model) : next(context));
app.MapGrpcService<BarePredictionService>();
Console.WriteLine($"baseline serving {modelPath}: REST on {restPort}, gRPC on {grpcPort}");
await app.RunAsync();
return 0;
