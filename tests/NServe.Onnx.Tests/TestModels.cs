using NServe.Core.Tensors;
using NServe.Onnx;
using NServe.Onnx.Building;
using OnnxDataType = Onnx.TensorProto.Types.DataType;

namespace NServe.Onnx.Tests;

/// <summary>Small models built with the builder for the servable tests.</summary>
internal static class TestModels
{
    /// <summary>y = 0.5·x + 2, x float of shape [batch].</summary>
    public static byte[] HalfPlusTwo()
    {
        var model = new OnnxModelBuilder();
        model.Graph.AddInput("x", OnnxDataType.Float, ["batch"]);
        var half = model.Graph.AddInitializer(OnnxTensors.Scalar("half", 0.5f));
        var two = model.Graph.AddInitializer(OnnxTensors.Scalar("two", 2f));
        model.Graph.AddNode("Mul", ["x", half], ["scaled"]);
        model.Graph.AddNode("Add", ["scaled", two], ["y"]);
        model.Graph.AddOutput("y", OnnxDataType.Float, ["batch"]);
        return model.Serialize();
    }

    /// <summary>
    /// x1 float [-1,3], inputs_id int32 [-1,3] → out = 0.5·x1 + 2 and pre = table[inputs_id] where the
    /// 100×10 table holds row + column/100.
    /// </summary>
    public static byte[] TwoInputs()
    {
        var model = new OnnxModelBuilder();
        var graph = model.Graph;
        graph.AddInput("x1", OnnxDataType.Float, [-1, 3]);
        graph.AddInput("inputs_id", OnnxDataType.Int32, ["batch", 3]);
        var half = graph.AddInitializer(OnnxTensors.Scalar("half", 0.5f));
        var two = graph.AddInitializer(OnnxTensors.Scalar("two", 2f));
        graph.AddNode("Mul", ["x1", half], ["scaled"]);
        graph.AddNode("Add", ["scaled", two], ["out"]);
        var table = new float[100 * 10];
        for (var i = 0; i < table.Length; i++)
        {
            table[i] = TableValue(i / 10, i % 10);
        }

        graph.AddInitializer<float>("table", [100, 10], table);
        graph.AddNode("Gather", ["table", "inputs_id"], ["pre"]).Attribute("axis", 0);
        graph.AddOutput("out", OnnxDataType.Float, [-1, 3]);
        graph.AddOutput("pre", OnnxDataType.Float, ["batch", 3, 10]);
        return model.Serialize();
    }

    public static float TableValue(int row, int column) => row + column / 100f;

    /// <summary>output = Identity(input) for one element type, input shape ["n", 2].</summary>
    public static byte[] Identity(TensorDataType dataType)
    {
        var onnxType = OnnxDataTypes.ToOnnx(dataType);
        var model = new OnnxModelBuilder();
        model.Graph.AddInput("input", onnxType, ["n", 2]);
        model.Graph.AddNode("Identity", ["input"], ["output"]);
        model.Graph.AddOutput("output", onnxType, ["n", 2]);
        return model.Serialize();
    }

    /// <summary>sum = a + b for float vectors of independent lengths (which must broadcast at run time).</summary>
    public static byte[] AddTwoVectors()
    {
        var model = new OnnxModelBuilder();
        model.Graph.AddInput("a", OnnxDataType.Float, ["m"]);
        model.Graph.AddInput("b", OnnxDataType.Float, ["n"]);
        model.Graph.AddNode("Add", ["a", "b"], ["sum"]);
        model.Graph.AddOutput("sum", OnnxDataType.Float, [-1]);
        return model.Serialize();
    }

    /// <summary>
    /// <paramref name="steps"/> chained MatMuls of a square float input with itself: seconds of work for a
    /// large input, so a cancellation lands while it runs.
    /// </summary>
    public static byte[] SlowChain(int steps)
    {
        var model = new OnnxModelBuilder();
        model.Graph.AddInput("x", OnnxDataType.Float, ["n", "n"]);
        var previous = "x";
        for (var i = 0; i < steps; i++)
        {
            previous = model.Graph.AddNode("MatMul", [previous, "x"], [$"step{i}"]).Output;
        }

        model.Graph.AddNode("Identity", [previous], ["y"]);
        model.Graph.AddOutput("y", OnnxDataType.Float, ["n", "n"]);
        return model.Serialize();
    }
}
