using NServe.Core.Errors;
using NServe.Core.Tensors;

namespace NServe.Server.Rest.Json;

/// <summary>The names TensorFlow prints inside JSON error messages: short dtype names and status code names.</summary>
internal static class TfNames
{
    /// <summary>TensorFlow's <c>DataTypeString</c>: <c>float</c>, <c>int32</c>, <c>string</c>, ...</summary>
    public static string DataType(TensorDataType type) => type switch
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
        TensorDataType.Invalid => "INVALID",
        _ => $"unknown dtype enum ({(int)type})",
    };

    /// <summary>absl's <c>StatusCodeToString</c>, as <c>Status::ToString()</c> prefixes a wrapped message.</summary>
    public static string StatusCode(StatusCode code) => code switch
    {
        Core.Errors.StatusCode.Ok => "OK",
        Core.Errors.StatusCode.Cancelled => "CANCELLED",
        Core.Errors.StatusCode.Unknown => "UNKNOWN",
        Core.Errors.StatusCode.InvalidArgument => "INVALID_ARGUMENT",
        Core.Errors.StatusCode.DeadlineExceeded => "DEADLINE_EXCEEDED",
        Core.Errors.StatusCode.NotFound => "NOT_FOUND",
        Core.Errors.StatusCode.AlreadyExists => "ALREADY_EXISTS",
        Core.Errors.StatusCode.PermissionDenied => "PERMISSION_DENIED",
        Core.Errors.StatusCode.ResourceExhausted => "RESOURCE_EXHAUSTED",
        Core.Errors.StatusCode.FailedPrecondition => "FAILED_PRECONDITION",
        Core.Errors.StatusCode.Aborted => "ABORTED",
        Core.Errors.StatusCode.OutOfRange => "OUT_OF_RANGE",
        Core.Errors.StatusCode.Unimplemented => "UNIMPLEMENTED",
        Core.Errors.StatusCode.Internal => "INTERNAL",
        Core.Errors.StatusCode.Unavailable => "UNAVAILABLE",
        Core.Errors.StatusCode.DataLoss => "DATA_LOSS",
        Core.Errors.StatusCode.Unauthenticated => "UNAUTHENTICATED",
        _ => "UNKNOWN",
    };

    /// <summary>A shape as TF Serving's JSON errors print it: <c>[3,2]</c>, <c>[]</c> for a scalar.</summary>
    public static string Shape(ReadOnlySpan<long> dims)
    {
        var text = new System.Text.StringBuilder("[");
        for (var i = 0; i < dims.Length; i++)
        {
            if (i > 0)
            {
                text.Append(',');
            }

            text.Append(dims[i]);
        }

        return text.Append(']').ToString();
    }
}
