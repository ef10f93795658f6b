using NServe.Core.Tensors;

namespace NServe.TensorFlow.Conversion;

/// <summary>
/// The element types ONNX Runtime's CPU kernels compute in. TensorFlow ops accept narrow and unsigned
/// integers (and half) where ORT's arithmetic kernels take only int32/int64/float/double, so such inputs
/// are widened, computed, and cast back (wrapping as TensorFlow's narrow arithmetic wraps).
/// </summary>
internal static class KernelTypes
{
    /// <summary>The type Add/Sub/Mul/Div/Max/Min/Less/Greater/Neg/Abs and friends compute in.</summary>
    public static TensorDataType Arithmetic(TensorDataType type) => type switch
    {
        TensorDataType.Half => TensorDataType.Float,
        TensorDataType.Int8 or TensorDataType.Int16 or TensorDataType.UInt8 or TensorDataType.UInt16 => TensorDataType.Int32,
        TensorDataType.UInt32 or TensorDataType.UInt64 => TensorDataType.Int64,
        _ => type,
    };

    /// <summary>The type transcendental math (Exp, Log, Sqrt, Tanh, ...) and NN kernels compute in.</summary>
    public static TensorDataType Floating(TensorDataType type) => type == TensorDataType.Double ? TensorDataType.Double : TensorDataType.Float;

    /// <summary>Converts input <paramref name="index"/> to <paramref name="type"/> when it is not that already.</summary>
    public static string InputAs(NodeContext node, int index, TensorDataType type)
        => node.Input(index).DataType == type ? node.In(index) : node.Cast(node.In(index), type);

    /// <summary>Binds output <paramref name="index"/> to <paramref name="value"/> computed in <paramref name="computedIn"/>, cast to <paramref name="type"/>.</summary>
    public static TfValue OutputAs(NodeContext node, int index, string value, TensorDataType computedIn, TensorDataType type, long[]? shape)
        => computedIn == type
            ? node.SetOutput(index, value, type, shape)
            : node.EmitOutput(index, "Cast", [value], type, shape, n => n.Attribute("to", OnnxElementTypes.Of(type)));
}
