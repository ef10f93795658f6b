using NServe.Onnx.Building;
using OnnxDataType = Onnx.TensorProto.Types.DataType;

namespace NServe.ExampleModels;

/// <summary>TF Serving's tutorial model: y = 0.5·x + 2 over a float vector of any length.</summary>
public static class HalfPlusTwoModel
{
    public static OnnxModelBuilder Build()
    {
        var model = new OnnxModelBuilder("half_plus_two") { DocString = "y = 0.5 * x + 2" };
        var graph = model.Graph;
        graph.AddInput("x", OnnxDataType.Float, ["batch"]);
        var half = graph.AddInitializer(OnnxTensors.Scalar("half", 0.5f));
        var two = graph.AddInitializer(OnnxTensors.Scalar("two", 2.0f));
        graph.AddNode("Mul", ["x", half], ["x_times_half"]);
        graph.AddNode("Add", ["x_times_half", two], ["y"]);
        graph.AddOutput("y", OnnxDataType.Float, ["batch"]);
        return model;
    }
}
