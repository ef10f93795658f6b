namespace NServe.Core.Tensors;

/// <summary>
/// Element types, numbered exactly as TensorFlow's <c>tensorflow.DataType</c> so a cast to the proto enum
/// is free and lossless. Only the types ONNX Runtime can also hold are served.
/// </summary>
public enum TensorDataType
{
    Invalid = 0,
    Float = 1,
    Double = 2,
    Int32 = 3,
    UInt8 = 4,
    Int16 = 5,
    Int8 = 6,
    String = 7,
    Int64 = 9,
    Bool = 10,
    UInt16 = 17,
    Half = 19,
    UInt32 = 22,
    UInt64 = 23,
}
