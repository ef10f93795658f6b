using NServe.Onnx.Building;
using OnnxDataType = Onnx.TensorProto.Types.DataType;

namespace NServe.Storage.Tests.Infrastructure;

/// <summary>The bytes of a y = a·x + b ONNX model (float x of shape [-1]); a tells versions apart.</summary>
public static class LinearModel
{
    public static byte[] Bytes(float a, float b)
    {
        var model = new OnnxModelBuilder();
        var graph = model.Graph;
        graph.AddInput("x", OnnxDataType.Float, [OnnxDim.Symbolic("batch")]);
        var scale = graph.AddInitializer<float>("a", [], [a]);
        var offset = graph.AddInitializer<float>("b", [], [b]);
        graph.AddNode("Mul", ["x", scale], ["scaled"]);
        graph.AddNode("Add", ["scaled", offset], ["y"]);
        graph.AddOutput("y", OnnxDataType.Float, [OnnxDim.Symbolic("batch")]);
        return model.Serialize();
    }
}
