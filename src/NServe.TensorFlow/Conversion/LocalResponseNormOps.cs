namespace NServe.TensorFlow.Conversion;

/// <summary>
/// LRN over the last (channel) axis: x / (bias + alpha * sum of squares over [c - r, c + r]) ^ beta. ONNX LRN
/// divides alpha by the window size and works on axis 1, so alpha is scaled and the data goes channels-first.
/// </summary>
internal static class LocalResponseNormOps
{
    public static void Register(OpConverterRegistry registry) => registry.Add("LRN", Lrn);

    private static void Lrn(NodeContext node)
    {
        var radius = node.Node.GetInt("depth_radius", 5);
        var size = (2 * radius) + 1;
        var type = node.T;
        const Core.Tensors.TensorDataType compute = Core.Tensors.TensorDataType.Float;
        var x = node.Emit("Transpose", [KernelTypes.InputAs(node, 0, compute)], n => n.Attribute("perm", new long[] { 0, 3, 1, 2 }));
        var normalized = node.Emit("LRN", [x], n => n
            .Attribute("size", size)
            .Attribute("alpha", node.Node.GetFloat("alpha", 1) * size)
            .Attribute("beta", node.Node.GetFloat("beta", 0.5f))
            .Attribute("bias", node.Node.GetFloat("bias", 1)));
        var back = node.Emit("Transpose", [normalized], n => n.Attribute("perm", new long[] { 0, 2, 3, 1 }));
        KernelTypes.OutputAs(node, 0, back, compute, type, node.Input(0).Shape);
    }
}
