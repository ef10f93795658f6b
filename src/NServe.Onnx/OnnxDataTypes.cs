using Microsoft.ML.OnnxRuntime.Tensors;
using NServe.Core.Tensors;
using OnnxDataType = Onnx.TensorProto.Types.DataType;

namespace NServe.Onnx;

/// <summary>
/// Element types across the three numberings in play: NServe's <see cref="TensorDataType"/> (TensorFlow's),
/// ONNX's <c>TensorProto.DataType</c> and ORT's <see cref="TensorElementType"/> (which reuses ONNX's numbers).
/// </summary>
public static class OnnxDataTypes
{
    /// <summary>The ONNX type of a tensor type; every <see cref="TensorDataType"/> NServe holds has one.</summary>
    public static OnnxDataType ToOnnx(TensorDataType type) => type switch
    {
        TensorDataType.Float => OnnxDataType.Float,
        TensorDataType.Double => OnnxDataType.Double,
        TensorDataType.Int32 => OnnxDataType.Int32,
        TensorDataType.UInt8 => OnnxDataType.Uint8,
        TensorDataType.Int16 => OnnxDataType.Int16,
        TensorDataType.Int8 => OnnxDataType.Int8,
        TensorDataType.String => OnnxDataType.String,
        TensorDataType.Int64 => OnnxDataType.Int64,
        TensorDataType.Bool => OnnxDataType.Bool,
        TensorDataType.UInt16 => OnnxDataType.Uint16,
        TensorDataType.Half => OnnxDataType.Float16,
        TensorDataType.UInt32 => OnnxDataType.Uint32,
        TensorDataType.UInt64 => OnnxDataType.Uint64,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "no ONNX element type"),
    };

    /// <summary>The tensor type of an ONNX type, or <see cref="TensorDataType.Invalid"/> when NServe cannot hold it.</summary>
    public static TensorDataType FromOnnx(OnnxDataType type) => type switch
    {
        OnnxDataType.Float => TensorDataType.Float,
        OnnxDataType.Double => TensorDataType.Double,
        OnnxDataType.Int32 => TensorDataType.Int32,
        OnnxDataType.Uint8 => TensorDataType.UInt8,
        OnnxDataType.Int16 => TensorDataType.Int16,
        OnnxDataType.Int8 => TensorDataType.Int8,
        OnnxDataType.String => TensorDataType.String,
        OnnxDataType.Int64 => TensorDataType.Int64,
        OnnxDataType.Bool => TensorDataType.Bool,
        OnnxDataType.Uint16 => TensorDataType.UInt16,
        OnnxDataType.Float16 => TensorDataType.Half,
        OnnxDataType.Uint32 => TensorDataType.UInt32,
        OnnxDataType.Uint64 => TensorDataType.UInt64,
        _ => TensorDataType.Invalid,
    };

    public static TensorElementType ToOrt(TensorDataType type) => (TensorElementType)(int)ToOnnx(type);

    public static TensorDataType FromOrt(TensorElementType type) => FromOnnx((OnnxDataType)(int)type);

    /// <summary>Bytes per element of a fixed-width ONNX type (sub-byte types are not stored one per byte).</summary>
    public static int ElementSize(OnnxDataType type) => type switch
    {
        OnnxDataType.Bool or OnnxDataType.Int8 or OnnxDataType.Uint8 => 1,
        OnnxDataType.Float8E4M3Fn or OnnxDataType.Float8E4M3Fnuz or OnnxDataType.Float8E5M2
            or OnnxDataType.Float8E5M2Fnuz or OnnxDataType.Float8E8M0 => 1,
        OnnxDataType.Int16 or OnnxDataType.Uint16 or OnnxDataType.Float16 or OnnxDataType.Bfloat16 => 2,
        OnnxDataType.Int32 or OnnxDataType.Uint32 or OnnxDataType.Float => 4,
        OnnxDataType.Int64 or OnnxDataType.Uint64 or OnnxDataType.Double or OnnxDataType.Complex64 => 8,
        OnnxDataType.Complex128 => 16,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "not a fixed-width byte-aligned type"),
    };

    /// <summary>TensorFlow's short type name (<c>float</c>, <c>int32</c>), as its error messages print it.</summary>
    public static string TfShortName(TensorDataType type) => type switch
    {
        TensorDataType.Float => "float",
        TensorDataType.Double => "double",
        TensorDataType.Int32 => "int32",
        TensorDataType.UInt8 => "uint8",
        TensorDataType.Int16 => "int16",
        TensorDataType.Int8 => "int8",
        TensorDataType.String => "string",
        TensorDataType.Int64 => "int64",
        TensorDataType.Bool => "bool",
        TensorDataType.UInt16 => "uint16",
        TensorDataType.Half => "half",
        TensorDataType.UInt32 => "uint32",
        TensorDataType.UInt64 => "uint64",
        _ => "invalid",
    };
}
