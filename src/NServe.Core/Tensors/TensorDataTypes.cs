namespace NServe.Core.Tensors;

/// <summary>Facts about element types: sizes and TensorFlow's names.</summary>
public static class TensorDataTypes
{
    /// <summary>Bytes per element; 0 for strings, whose elements vary in length.</summary>
    public static int ElementSize(TensorDataType type) => type switch
    {
        TensorDataType.Float => 4,
        TensorDataType.Double => 8,
        TensorDataType.Int32 => 4,
        TensorDataType.UInt8 => 1,
        TensorDataType.Int16 => 2,
        TensorDataType.Int8 => 1,
        TensorDataType.String => 0,
        TensorDataType.Int64 => 8,
        TensorDataType.Bool => 1,
        TensorDataType.UInt16 => 2,
        TensorDataType.Half => 2,
        TensorDataType.UInt32 => 4,
        TensorDataType.UInt64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "unsupported tensor data type"),
    };

    /// <summary>True for the types NServe can hold in a <see cref="Tensor"/>.</summary>
    public static bool IsSupported(TensorDataType type) => type is TensorDataType.Float or TensorDataType.Double
        or TensorDataType.Int32 or TensorDataType.UInt8 or TensorDataType.Int16 or TensorDataType.Int8
        or TensorDataType.String or TensorDataType.Int64 or TensorDataType.Bool or TensorDataType.UInt16
        or TensorDataType.Half or TensorDataType.UInt32 or TensorDataType.UInt64;

    /// <summary>TensorFlow's enum name (<c>DT_FLOAT</c>), as TF Serving prints it in metadata and errors.</summary>
    public static string TfName(TensorDataType type) => type switch
    {
        TensorDataType.Float => "DT_FLOAT",
        TensorDataType.Double => "DT_DOUBLE",
        TensorDataType.Int32 => "DT_INT32",
        TensorDataType.UInt8 => "DT_UINT8",
        TensorDataType.Int16 => "DT_INT16",
        TensorDataType.Int8 => "DT_INT8",
        TensorDataType.String => "DT_STRING",
        TensorDataType.Int64 => "DT_INT64",
        TensorDataType.Bool => "DT_BOOL",
        TensorDataType.UInt16 => "DT_UINT16",
        TensorDataType.Half => "DT_HALF",
        TensorDataType.UInt32 => "DT_UINT32",
        TensorDataType.UInt64 => "DT_UINT64",
        _ => "DT_INVALID",
    };
}
