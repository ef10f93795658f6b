using NServe.Onnx.Building;
using OnnxDataType = Onnx.TensorProto.Types.DataType;

namespace NServe.Bench.Batching;

/// <summary>
/// A compute-bound benchmark model: an MLP 784-H-H-10 (MatMul, Add, Relu; H = 512 by default) with fixed
/// pseudo-random weights, input <c>x</c> [batch, 784], output <c>y</c> [batch, 10]. At batch 1 it reads all its
/// weights per example (2.7 MB for H = 512, 23 MB for H = 2048), which batching shares across examples.
/// </summary>
internal static class MlpModel
{
    public const int Inputs = 784;

    public const int DefaultHidden = 512;

    public static OnnxModelBuilder Build(int hidden = DefaultHidden)
    {
        int[] widths = [Inputs, hidden, hidden, 10];
        var model = new OnnxModelBuilder("mlp") { DocString = $"MLP 784-{hidden}-{hidden}-10 with fixed weights, for benchmarks" };
        var graph = model.Graph;
        graph.AddInput("x", OnnxDataType.Float, ["batch", Inputs]);
        var random = new Random(784);
        var current = "x";
        for (var layer = 0; layer < widths.Length - 1; layer++)
        {
            int rows = widths[layer], columns = widths[layer + 1];
            var scale = MathF.Sqrt(2f / rows);
            var weights = new float[rows * columns];
            for (var i = 0; i < weights.Length; i++)
            {
                weights[i] = ((float)random.NextDouble() - 0.5f) * 2 * scale;
            }

            var bias = new float[columns];
            Array.Fill(bias, 0.01f);
            var w = graph.AddInitializer<float>($"w{layer}", [rows, columns], weights);
            var b = graph.AddInitializer<float>($"b{layer}", [columns], bias);
            var product = $"matmul{layer}";
            graph.AddNode("MatMul", [current, w], [product]);
            var last = layer == widths.Length - 2;
            var sum = last ? "y" : $"add{layer}";
            graph.AddNode("Add", [product, b], [sum]);
            if (!last)
            {
                current = $"relu{layer}";
                graph.AddNode("Relu", [sum], [current]);
            }
        }

        graph.AddOutput("y", OnnxDataType.Float, ["batch", widths[^1]]);
        return model;
    }
}
