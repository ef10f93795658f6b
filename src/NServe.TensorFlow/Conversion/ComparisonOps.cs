using NServe.Core.Tensors;

namespace NServe.TensorFlow.Conversion;

/// <summary>Broadcasting comparisons; every result is bool.</summary>
internal static class ComparisonOps
{
    public static void Register(OpConverterRegistry registry)
    {
        registry.Add("Equal", node => Compare(node, "Equal", negate: false));
        registry.Add("NotEqual", node => Compare(node, "Equal", negate: true));
        registry.Add("Less", node => Compare(node, "Less", negate: false));
        registry.Add("LessEqual", node => Compare(node, "LessOrEqual", negate: false));
        registry.Add("Greater", node => Compare(node, "Greater", negate: false));
        registry.Add("GreaterEqual", node => Compare(node, "GreaterOrEqual", negate: false));
        registry.Add("ApproximateEqual", ApproximateEqual);
    }

    private static void Compare(NodeContext node, string onnxOp, bool negate)
    {
        // Inputs share one dtype; ORT compares in int32/int64/float/double (and bool/string for Equal).
        var wide = KernelTypes.Arithmetic(node.T);
        string[] inputs = [KernelTypes.InputAs(node, 0, wide), KernelTypes.InputAs(node, 1, wide)];
        var shape = ElementwiseOps.BroadcastShape(node);
        if (negate)
        {
            node.EmitOutput(0, "Not", [node.Emit(onnxOp, inputs)], TensorDataType.Bool, shape);
        }
        else
        {
            node.EmitOutput(0, onnxOp, inputs, TensorDataType.Bool, shape);
        }
    }

    // |x - y| < tolerance
    private static void ApproximateEqual(NodeContext node)
    {
        var compute = KernelTypes.Floating(node.T);
        var difference = node.Emit("Abs", [node.Emit("Sub", [KernelTypes.InputAs(node, 0, compute), KernelTypes.InputAs(node, 1, compute)])]);
        var tolerance = node.Scope.Scalar(compute, node.Node.GetFloat("tolerance", 1e-5f));
        node.EmitOutput(0, "Less", [difference, tolerance], TensorDataType.Bool, ElementwiseOps.BroadcastShape(node));
    }
}
