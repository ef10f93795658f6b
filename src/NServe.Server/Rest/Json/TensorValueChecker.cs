using NServe.Core.Errors;
using NServe.Core.Tensors;

namespace NServe.Server.Rest.Json;

/// <summary>
/// Finds the error TF Serving reports for a JSON value that does not decode to a tensor, by walking it in
/// TF Serving's order (json_tensor.cc <c>GetDenseTensorShape</c> then <c>FillTensorProto</c>): the shape comes
/// from the first element of each list; each list's level and size are checked on entry, before its
/// elements; each scalar's level before its type. Only runs after <see cref="TensorValueDecoder"/> failed.
/// </summary>
internal static class TensorValueChecker
{
    public static ServingException Find(ReadOnlySpan<byte> json, int start, TensorDataType dataType)
    {
        var dims = new List<long>();
        var cursor = new JsonCursor(json, start);
        while (cursor.Peek() == '[')
        {
            if (dims.Count == TensorValueDecoder.MaxRank)
            {
                return ServingException.InvalidArgument(
                    $"JSON value nests lists deeper than {TensorValueDecoder.MaxRank} levels; a tensor has at most {TensorValueDecoder.MaxRank} dimensions");
            }

            var size = CountElements(json, cursor.Position);
            dims.Add(size);
            if (size == 0)
            {
                break;
            }

            cursor.Advance();
        }

        return Check(json, start, 0, dims, dataType)
            ?? ServingException.Internal("JSON tensor decoding failed on a value that checks as valid");
    }

    private static ServingException? Check(ReadOnlySpan<byte> json, int position, int level, List<long> dims, TensorDataType dataType)
    {
        var cursor = new JsonCursor(json, position);
        if (cursor.Peek() != '[')
        {
            if (level != dims.Count)
            {
                return ServingException.InvalidArgument(
                    $"JSON Value: {JsonValuePrinter.Print(json, cursor.Position)} found at incorrect level: {level + 1} in the JSON DOM. Expected at level: {dims.Count}");
            }

            return CheckScalar(json, cursor.Position, dataType);
        }

        if (level >= dims.Count)
        {
            return ServingException.InvalidArgument($"Encountered list at unexpected level: {level} expected < {dims.Count}");
        }

        var size = CountElements(json, cursor.Position);
        if (size != dims[level])
        {
            return ServingException.InvalidArgument(
                $"Encountered list at unexpected size: {size} at level: {level} expected size: {dims[level]}");
        }

        cursor.Advance();
        if (cursor.Peek() == ']')
        {
            return null;
        }

        do
        {
            var error = Check(json, cursor.Position, level + 1, dims, dataType);
            if (error is not null)
            {
                return error;
            }

            cursor.SkipValue();
        }
        while (cursor.NextItem());

        return null;
    }

    /// <summary>TF Serving's verdict on one scalar (<c>AddValueToTensor</c> / <c>JsonDecodeBase64Object</c>).</summary>
    private static ServingException? CheckScalar(ReadOnlySpan<byte> json, int position, TensorDataType dataType)
    {
        var first = json[position];
        if (first == '{' && dataType == TensorDataType.String)
        {
            if (!JsonLeafReader.IsBase64Object(json, position))
            {
                return ServingException.InvalidArgument(
                    $"JSON Value: {JsonValuePrinter.Print(json, position)} not formatted correctly for base64 data");
            }

            var b64 = new JsonCursor(json, position);
            return JsonLeafReader.TryReadBase64Object(ref b64, out _) ? null : ServingException.InvalidArgument("Unable to base64 decode");
        }

        if (first != '{' && !TensorDataTypes.IsSupported(dataType))
        {
            return ServingException.Unimplemented(
                $"Conversion of JSON Value: {JsonValuePrinter.Print(json, position)} to type: {TfNames.DataType(dataType)}");
        }

        if (first != '{')
        {
            using var scratch = new TensorAccumulator(dataType, 1);
            var cursor = new JsonCursor(json, position);
            if (JsonLeafReader.TryAppend(ref cursor, first, dataType, scratch))
            {
                return null;
            }
        }

        return ServingException.InvalidArgument(
            $"JSON Value: {JsonValuePrinter.Print(json, position)} Type: {JsonValuePrinter.TypeName(first)} is not of expected type: {TfNames.DataType(dataType)}");
    }

    private static long CountElements(ReadOnlySpan<byte> json, int listStart)
    {
        var cursor = new JsonCursor(json, listStart);
        cursor.Advance();
        if (cursor.Peek() == ']')
        {
            return 0;
        }

        long count = 0;
        do
        {
            cursor.SkipValue();
            count++;
        }
        while (cursor.NextItem());

        return count;
    }
}
