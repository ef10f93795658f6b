using NServe.Core.Tensors;

namespace NServe.TensorFlow.Conversion;

/// <summary>
/// RandomUniform and RandomStandardNormal (TF1 dropout masks). At inference such values feed only branches
/// a known learning-phase Switch discards, or training-only paths; ONNX's generators give values from the
/// same distribution, seeded from TensorFlow's op seed when it has one.
/// </summary>
internal static class RandomOps
{
    public static void Register(OpConverterRegistry registry)
    {
        registry.Add("RandomUniform", node => Random(node, "RandomUniformLike"));
        registry.Add("RandomStandardNormal", node => Random(node, "RandomNormalLike"));
    }

    private static void Random(NodeContext node, string onnxOp)
    {
        var type = node.Node.GetType("dtype", TensorDataType.Float);
        var compute = KernelTypes.Floating(type);
        var template = node.Emit("Expand", [node.Scope.Scalar(compute, 0), node.InInt64(0)]);
        var seed = node.Node.GetInt("seed2", 0) != 0 ? node.Node.GetInt("seed2", 0) : node.Node.GetInt("seed", 0);
        long[]? shape = node.Input(0).Constant?.ToInt64s();
        var result = node.Emit(onnxOp, [template], n =>
        {
            n.Attribute("dtype", OnnxElementTypes.Of(compute));
            if (seed != 0)
            {
                n.Attribute("seed", (float)seed);
            }
        });
        KernelTypes.OutputAs(node, 0, result, compute, type, shape);
    }
}
