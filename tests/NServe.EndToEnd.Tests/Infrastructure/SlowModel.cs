using NServe.Onnx.Building;
using OnnxDataType = Onnx.TensorProto.Types.DataType;

namespace NServe.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A model that takes a while per request: x (float [batch]) is spread over a 768×768 matrix and multiplied
/// by a weight matrix <c>rounds</c> times; y is x itself plus 0 × the work (so answers stay exact), and the
/// work depends on x, so ONNX Runtime cannot fold it away at load.
/// </summary>
public static class SlowModel
{
    public const int Size = 768;

    public static void Write(string versionFolder, int rounds)
    {
        Directory.CreateDirectory(versionFolder);
        var model = new OnnxModelBuilder();
        var graph = model.Graph;
        graph.AddInput("x", OnnxDataType.Float, [OnnxDim.Symbolic("batch")]);
        var firstX = graph.AddInitializer<long>("first", [1], [0]);
        var one = graph.AddInitializer<long>("one", [1], [1]);
        var shape = graph.AddInitializer<long>("shape", [2], [Size, Size]);
        var weights = new float[Size * Size];
        for (var i = 0; i < weights.Length; i++)
        {
            weights[i] = (i % 13) / 1000f;
        }

        var w = graph.AddInitializer<float>("w", [Size, Size], weights);
        var zero = graph.AddInitializer<float>("zero", [], [0f]);
        graph.AddNode("Slice", ["x", firstX, one], ["x0"]);
        graph.AddNode("Expand", ["x0", shape], ["m0"]);
        var current = "m0";
        for (var round = 1; round <= rounds; round++)
        {
            var next = $"m{round}";
            graph.AddNode("MatMul", [current, w], [next]);
            current = next;
        }

        graph.AddNode("ReduceSum", [current], ["total"]).Attribute("keepdims", 0L);
        graph.AddNode("Mul", ["total", zero], ["nothing"]);
        graph.AddNode("Add", ["x", "nothing"], ["y"]);
        graph.AddOutput("y", OnnxDataType.Float, [OnnxDim.Symbolic("batch")]);
        File.WriteAllBytes(Path.Combine(versionFolder, "model.onnx"), model.Serialize());
    }
}
