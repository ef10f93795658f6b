using NServe.Core.Tensors;

namespace NServe.TensorFlow.Conversion;

/// <summary>Cast (float → int truncates toward zero, non-zero → true, in both TensorFlow and ONNX) and StringToNumber.</summary>
internal static class CastOps
{
    public static void Register(OpConverterRegistry registry)
    {
        registry.Add("Cast", node => CastTo(node, node.Node.GetType("DstT")));
        // ONNX Cast parses decimal and scientific notation from strings, as TensorFlow's StringToNumber does.
        registry.Add("StringToNumber", node => CastTo(node, node.Node.GetType("out_type", TensorDataType.Float)));
    }

    private static void CastTo(NodeContext node, TensorDataType to)
    {
        var input = node.Input(0);
        if (input.DataType == to)
        {
            node.Alias(0, input);
            return;
        }

        node.EmitOutput(0, "Cast", [node.In(0)], to, input.Shape, n => n.Attribute("to", OnnxElementTypes.Of(to)));
    }
}
