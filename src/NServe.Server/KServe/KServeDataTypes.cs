using NServe.Core.Errors;
using NServe.Core.Tensors;

namespace NServe.Server.KServe;

/// <summary>The v2 protocol's datatype tokens (<c>FP32</c>, <c>BYTES</c>, ...) and NServe's element types.</summary>
public static class KServeDataTypes
{
    /// <summary>Every token NServe accepts, in the spec's order, for error messages and docs.</summary>
    public const string Supported = "BOOL, UINT8, UINT16, UINT32, UINT64, INT8, INT16, INT32, INT64, FP16, FP32, FP64, BYTES";

    /// <summary>The v2 token for an element type.</summary>
    public static string Name(TensorDataType type) => type switch
    {
        TensorDataType.Bool => "BOOL",
        TensorDataType.UInt8 => "UINT8",
        TensorDataType.UInt16 => "UINT16",
        TensorDataType.UInt32 => "UINT32",
        TensorDataType.UInt64 => "UINT64",
        TensorDataType.Int8 => "INT8",
        TensorDataType.Int16 => "INT16",
        TensorDataType.Int32 => "INT32",
        TensorDataType.Int64 => "INT64",
        TensorDataType.Half => "FP16",
        TensorDataType.Float => "FP32",
        TensorDataType.Double => "FP64",
        TensorDataType.String => "BYTES",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "no v2 datatype for this element type"),
    };

    /// <summary>The element type for a v2 token (case-sensitive, as the spec says), or false.</summary>
    public static bool TryParse(ReadOnlySpan<char> token, out TensorDataType type)
    {
        type = token switch
        {
            "BOOL" => TensorDataType.Bool,
            "UINT8" => TensorDataType.UInt8,
            "UINT16" => TensorDataType.UInt16,
            "UINT32" => TensorDataType.UInt32,
            "UINT64" => TensorDataType.UInt64,
            "INT8" => TensorDataType.Int8,
            "INT16" => TensorDataType.Int16,
            "INT32" => TensorDataType.Int32,
            "INT64" => TensorDataType.Int64,
            "FP16" => TensorDataType.Half,
            "FP32" => TensorDataType.Float,
            "FP64" => TensorDataType.Double,
            "BYTES" => TensorDataType.String,
            _ => TensorDataType.Invalid,
        };
        return type != TensorDataType.Invalid;
    }

    /// <summary>The element type for <paramref name="token"/>, or InvalidArgument naming the input.</summary>
    public static TensorDataType Parse(string token, string inputName)
    {
        if (TryParse(token, out var type))
        {
            return type;
        }

        var reason = token == "BF16" ? "BF16 is not supported by NServe" : $"unknown datatype '{token}'";
        throw ServingException.InvalidArgument($"input '{inputName}': {reason}; expected one of {Supported}");
    }
}
