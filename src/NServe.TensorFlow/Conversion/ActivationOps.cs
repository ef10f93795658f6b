namespace NServe.TensorFlow.Conversion;

/// <summary>Activations. Softmax and LogSoftmax work on the last axis in TensorFlow, as ONNX's (opset 13+) default.</summary>
internal static class ActivationOps
{
    // TensorFlow's SELU constants (tensorflow/core/kernels/relu_op_functor.h).
    private const float SeluAlpha = 1.6732632423543772848170429916717f;
    private const float SeluScale = 1.0507009873554804934193349852946f;

    public static void Register(OpConverterRegistry registry)
    {
        registry.Add("Relu", Relu);
        registry.Add("Relu6", Relu6);
        registry.Add("Elu", node => Float(node, "Elu", n => n.Attribute("alpha", 1.0f)));
        registry.Add("Selu", node => Float(node, "Selu", n => n.Attribute("alpha", SeluAlpha).Attribute("gamma", SeluScale)));
        registry.Add("LeakyRelu", node => Float(node, "LeakyRelu", n => n.Attribute("alpha", node.Node.GetFloat("alpha", 0.2f))));
        registry.Add("Sigmoid", node => Float(node, "Sigmoid", null));
        registry.Add("Tanh", node => Float(node, "Tanh", null));
        registry.Add("Softplus", node => Float(node, "Softplus", null));
        registry.Add("Softsign", node => Float(node, "Softsign", null));
        registry.Add("Softmax", node => Float(node, "Softmax", n => n.Attribute("axis", -1L)));
        registry.Add("LogSoftmax", node => Float(node, "LogSoftmax", n => n.Attribute("axis", -1L)));
    }

    private static void Float(NodeContext node, string onnxOp, Action<NServe.Onnx.Building.OnnxNodeBuilder>? configure)
    {
        var type = node.T;
        var compute = KernelTypes.Floating(type);
        var input = KernelTypes.InputAs(node, 0, compute);
        if (compute == type)
        {
            node.EmitOutput(0, onnxOp, [input], type, node.Input(0).Shape, configure);
            return;
        }

        KernelTypes.OutputAs(node, 0, node.Emit(onnxOp, [input], configure), compute, type, node.Input(0).Shape);
    }

    // max(x, 0): ONNX Relu is real-only in ORT, so integer inputs use Max.
    private static void Relu(NodeContext node)
    {
        var type = node.T;
        if (ConstantTensor.IsFloating(type))
        {
            Float(node, "Relu", null);
            return;
        }

        var wide = KernelTypes.Arithmetic(type);
        var result = node.Emit("Max", [KernelTypes.InputAs(node, 0, wide), node.Scope.IntegerScalar(wide, 0)]);
        KernelTypes.OutputAs(node, 0, result, wide, type, node.Input(0).Shape);
    }

    // min(max(x, 0), 6)
    private static void Relu6(NodeContext node)
    {
        var type = node.T;
        var wide = ConstantTensor.IsFloating(type) ? KernelTypes.Floating(type) : KernelTypes.Arithmetic(type);
        var input = KernelTypes.InputAs(node, 0, wide);
        var low = node.Scope.Scalar(wide, 0);
        var high = node.Scope.Scalar(wide, 6);
        if (wide == type)
        {
            node.EmitOutput(0, "Clip", [input, low, high], type, node.Input(0).Shape);
            return;
        }

        KernelTypes.OutputAs(node, 0, node.Emit("Clip", [input, low, high]), wide, type, node.Input(0).Shape);
    }
}
