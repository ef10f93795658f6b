using NServe.Core.Tensors;
using NServe.Onnx;

namespace NServe.TensorFlow.Conversion;

/// <summary>
/// The ONNX element type for a dtype a node's attributes ask for (Cast's DstT, a random op's dtype). A dtype
/// NServe cannot hold (complex, qint, resource) makes the node unconvertible rather than failing the conversion.
/// </summary>
internal static class OnnxElementTypes
{
    public static long Of(TensorDataType type) => TensorDataTypes.IsSupported(type)
        ? (long)OnnxDataTypes.ToOnnx(type)
        : throw new ConversionException($"dtype {(Tensorflow.DataType)(int)type} has no ONNX element type NServe supports");
}
