using Google.Protobuf;
using NServe.Onnx.Building;
using OnnxDataType = Onnx.TensorProto.Types.DataType;

namespace NServe.Bench.Chaos;

/// <summary>
/// The versions of the chaos model: version v computes y = 0.5·x + v, so every answer names the version
/// that computed it. A long doc string pads the file, so a copy written slowly takes many writes and a
/// load of a half-written file could not parse.
/// </summary>
public static class VersionModels
{
    public const int PaddingBytes = 256 * 1024;

    public static byte[] Bytes(long version)
    {
        var model = new OnnxModelBuilder("chaos") { DocString = $"y = 0.5 * x + {version}; " + new string('p', PaddingBytes) };
        var graph = model.Graph;
        graph.AddInput("x", OnnxDataType.Float, ["batch"]);
        var half = graph.AddInitializer(OnnxTensors.Scalar("half", 0.5f));
        var offset = graph.AddInitializer(OnnxTensors.Scalar("offset", (float)version));
        graph.AddNode("Mul", ["x", half], ["x_times_half"]);
        graph.AddNode("Add", ["x_times_half", offset], ["y"]);
        graph.AddOutput("y", OnnxDataType.Float, ["batch"]);
        return model.Build().ToByteArray();
    }

    /// <summary>The version an answer came from, or null when the numbers fit no version.</summary>
    public static long? VersionOf(IReadOnlyList<float> inputs, IReadOnlyList<float> outputs)
    {
        if (inputs.Count != outputs.Count || inputs.Count == 0)
        {
            return null;
        }

        var first = outputs[0] - (0.5 * inputs[0]);
        var version = Math.Round(first);
        if (Math.Abs(first - version) > 1e-3)
        {
            return null;
        }

        for (var i = 1; i < inputs.Count; i++)
        {
            if (Math.Abs(outputs[i] - (0.5 * inputs[i]) - version) > 1e-3)
            {
                return null;
            }
        }

        return (long)version;
    }
}
