using NServe.Onnx.Building;
using OnnxDataType = Onnx.TensorProto.Types.DataType;

namespace NServe.ExampleModels;

/// <summary>
/// The tutorial's multi-input model: <c>out</c> = 0.5·x1 + 2 and <c>pre</c> = rows of a 100×10 embedding
/// table gathered by <c>inputs_id</c>. Table values are table[i][j] = i + j/100, so every row says which id
/// it came from. An id outside 0..99 makes ORT's Gather fail the run (negative ids count from the end).
/// </summary>
public static class TwoInputsModel
{
    public const int TableRows = 100;
    public const int TableColumns = 10;

    public static float TableValue(int row, int column) => row + column / 100f;

    public static OnnxModelBuilder Build()
    {
        var model = new OnnxModelBuilder("two_inputs")
        {
            DocString = "out = 0.5 * x1 + 2; pre = embedding_table[inputs_id] with table[i][j] = i + j/100",
        };
        var graph = model.Graph;
        graph.AddInput("x1", OnnxDataType.Float, ["batch", 3]);
        graph.AddInput("inputs_id", OnnxDataType.Int32, ["batch", 3]);

        var half = graph.AddInitializer(OnnxTensors.Scalar("half", 0.5f));
        var two = graph.AddInitializer(OnnxTensors.Scalar("two", 2.0f));
        graph.AddNode("Mul", ["x1", half], ["x1_times_half"]);
        graph.AddNode("Add", ["x1_times_half", two], ["out"]);

        var table = new float[TableRows * TableColumns];
        for (var row = 0; row < TableRows; row++)
        {
            for (var column = 0; column < TableColumns; column++)
            {
                table[(row * TableColumns) + column] = TableValue(row, column);
            }
        }

        var embedding = graph.AddInitializer<float>("embedding_table", [TableRows, TableColumns], table);
        graph.AddNode("Gather", [embedding, "inputs_id"], ["pre"]).Attribute("axis", 0);

        graph.AddOutput("out", OnnxDataType.Float, ["batch", 3]);
        graph.AddOutput("pre", OnnxDataType.Float, ["batch", 3, TableColumns]);
        return model;
    }
}
