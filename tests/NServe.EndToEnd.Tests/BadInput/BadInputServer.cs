using System.Globalization;
using NServe.EndToEnd.Tests.Infrastructure;
using NServe.Onnx.Building;
using OnnxDataType = Onnx.TensorProto.Types.DataType;

namespace NServe.EndToEnd.Tests.BadInput;

/// <summary>
/// The one server the whole battery runs against: the demo models (half_plus_two with label "stable",
/// two_inputs) and an identity model over strings, with limits low enough that a test can cross them
/// quickly and cheaply (16 MiB REST bodies as sent and gunzipped, 16 Mi tensor elements, 32 MiB gRPC
/// messages, a 2 s REST timeout; JSON depth at its default, 1024).
/// </summary>
public sealed class BadInputServer : IAsyncLifetime
{
    public const int MaxBodyBytes = 16 * 1024 * 1024;
    public const int MaxTensorElements = 16 * 1024 * 1024;
    public const int MaxGrpcMessageBytes = 32 * 1024 * 1024;
    public const int MaxDecompressedBytes = 16 * 1024 * 1024;

    /// <summary>Shorter than Kestrel's 5 s grace for slow bodies, so a stalled body meets the REST timeout first.</summary>
    public const int RestTimeoutMs = 2000;

    private readonly string _root = Directory.CreateTempSubdirectory("nserve-e2e-badinput-").FullName;

    public ServerProcess Process { get; private set; } = null!;

    public int RestPort => Process.RestPort;

    public int GrpcPort => Process.GrpcPort;

    public async Task InitializeAsync()
    {
        var model = new OnnxModelBuilder();
        model.Graph.AddInput("x", OnnxDataType.String, [OnnxDim.Symbolic("n")]);
        model.Graph.AddNode("Identity", ["x"], ["y"]);
        model.Graph.AddOutput("y", OnnxDataType.String, [OnnxDim.Symbolic("n")]);
        var folder = Path.Combine(_root, "strings", "1");
        Directory.CreateDirectory(folder);
        File.WriteAllBytes(Path.Combine(folder, "model.onnx"), model.Serialize());

        var config = Path.Combine(_root, "models.config");
        File.WriteAllText(config, $$"""
            model_config_list {
              config { name: 'half_plus_two' base_path: '{{Path.Combine(TestPaths.Examples, "half_plus_two")}}' model_platform: 'onnx'
                version_labels { key: 'stable' value: 1 } }
              config { name: 'two_inputs' base_path: '{{Path.Combine(TestPaths.Examples, "two_inputs")}}' model_platform: 'onnx' }
              config { name: 'strings' base_path: '{{Path.Combine(_root, "strings")}}' model_platform: 'onnx' }
            }
            """);
        Process = await ServerProcess.StartAsync(
            $"--model_config_file={config}",
            $"--rest_api_timeout_in_ms={RestTimeoutMs.ToString(CultureInfo.InvariantCulture)}",
            $"--rest_api_max_body_bytes={MaxBodyBytes.ToString(CultureInfo.InvariantCulture)}",
            $"--rest_api_max_decompressed_bytes={MaxDecompressedBytes.ToString(CultureInfo.InvariantCulture)}",
            $"--max_tensor_elements={MaxTensorElements.ToString(CultureInfo.InvariantCulture)}",
            $"--grpc_max_receive_message_bytes={MaxGrpcMessageBytes.ToString(CultureInfo.InvariantCulture)}");
    }

    public async Task DisposeAsync()
    {
        await Process.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }
}
