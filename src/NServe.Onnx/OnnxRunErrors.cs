using Microsoft.ML.OnnxRuntime;
using NServe.Core.Errors;

namespace NServe.Onnx;

/// <summary>
/// Turns ORT failures into serving errors. ORT's managed exception carries its status code only in the
/// message (<c>[ErrorCode:InvalidArgument] ...</c>), so the code is read from there.
/// </summary>
internal static class OnnxRunErrors
{
    private const string CodePrefix = "[ErrorCode:";

    /// <summary>
    /// A failed Run. The graph was checked when it loaded, so a kernel that fails now failed on the values
    /// or shapes this request sent (an embedding id out of range, shapes that do not broadcast): that is
    /// the client's error, InvalidArgument, as TensorFlow's kernels report it.
    /// </summary>
    public static ServingException FromRun(OnnxRuntimeException exception)
    {
        var (code, message) = Split(exception.Message);
        var status = code switch
        {
            "InvalidArgument" => StatusCode.InvalidArgument,
            "Fail" or "RuntimeException" when IsOutOfMemory(message) => StatusCode.ResourceExhausted,
            "Fail" or "RuntimeException" => StatusCode.InvalidArgument,
            "NotImplemented" => StatusCode.Unimplemented,
            _ => StatusCode.Internal,
        };
        return new ServingException(status, message, exception);
    }

    /// <summary>A model that would not load: the file and ORT's reason.</summary>
    public static ServingException FromLoad(string what, OnnxRuntimeException exception)
    {
        var (code, message) = Split(exception.Message);
        var status = code switch
        {
            "NoSuchFile" => StatusCode.NotFound,
            "InvalidProtobuf" => StatusCode.DataLoss,
            "NotImplemented" => StatusCode.Unimplemented,
            _ => StatusCode.InvalidArgument,
        };
        return new ServingException(status, $"Failed to load ONNX model {what}: {message}", exception);
    }

    private static (string Code, string Message) Split(string text)
    {
        if (text.StartsWith(CodePrefix, StringComparison.Ordinal))
        {
            var end = text.IndexOf(']', CodePrefix.Length);
            if (end > 0)
            {
                return (text[CodePrefix.Length..end], text[(end + 1)..].Trim());
            }
        }

        return ("", text.Trim());
    }

    private static bool IsOutOfMemory(string message) =>
        message.Contains("Failed to allocate", StringComparison.OrdinalIgnoreCase)
        || message.Contains("bad_alloc", StringComparison.Ordinal);
}
