namespace NServe.TensorFlow.Conversion;

/// <summary>Nodes without data inputs: constants (and variables frozen into them) and placeholders.</summary>
internal static class SourceOps
{
    public static void Register(OpConverterRegistry registry)
    {
        registry.Add("Const", Const);
        registry.Add("Placeholder", Placeholder);
    }

    private static void Const(NodeContext node)
    {
        var proto = node.Node.GetTensor("value") ?? throw new ConversionException("Const has no 'value' tensor");
        var constant = ConstantTensor.FromProto(proto);
        node.SetOutput(0, TfValue.OfConstant(constant, node.Name + ":0"));
    }

    // A placeholder the signature does not feed has no value: TensorFlow fails the same way at run time.
    private static void Placeholder(NodeContext node)
        => throw new ConversionException("the placeholder is not an input of the signature, yet an output depends on it");
}
