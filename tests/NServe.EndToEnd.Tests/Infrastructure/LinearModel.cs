using NServe.Onnx.Building;
using OnnxDataType = Onnx.TensorProto.Types.DataType;

namespace NServe.EndToEnd.Tests.Infrastructure;

/// <summary>Writes y = a·x + b models (float x of shape [-1]) into version folders for tests.</summary>
public static class LinearModel
{
    public static void Write(string versionFolder, float a, float b)
    {
        Directory.CreateDirectory(versionFolder);
        var model = new OnnxModelBuilder();
        var graph = model.Graph;
        graph.AddInput("x", OnnxDataType.Float, [OnnxDim.Symbolic("batch")]);
        var scale = graph.AddInitializer<float>("a", [], [a]);
        var offset = graph.AddInitializer<float>("b", [], [b]);
        graph.AddNode("Mul", ["x", scale], ["scaled"]);
        graph.AddNode("Add", ["scaled", offset], ["y"]);
        graph.AddOutput("y", OnnxDataType.Float, [OnnxDim.Symbolic("batch")]);

        // Write beside and rename, so the server never sees a half-written model.
        var temporary = Path.Combine(versionFolder, "model.onnx.tmp");
        File.WriteAllBytes(temporary, model.Serialize());
        File.Move(temporary, Path.Combine(versionFolder, "model.onnx"));
    }
}
