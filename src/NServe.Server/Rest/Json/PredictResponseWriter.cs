using System.Buffers;
using System.Text.Unicode;
using NServe.Core.Errors;
using NServe.Core.Tensors;

namespace NServe.Server.Rest.Json;

/// <summary>
/// Writes a REST predict response the way TF Serving's <c>MakeJsonFromTensors</c> does (rest_api.md §4):
/// row format <c>{"predictions": [...]}</c> with one entry per batch item (the bare value for a single
/// output, else an object by alias), columnar <c>{"outputs": ...}</c> (the bare tensor for a single output,
/// else an object). Values go from tensor memory straight into the buffer writer. Floats use TF
/// Serving's text (<see cref="TfDecimalFormatter"/>), NaN and infinities as bare tokens; strings as JSON
/// strings, or <c>{"b64": ...}</c> for an alias ending in <c>_bytes</c>. Output is compact (TF Serving
/// pretty-prints; clients parse it, they do not compare bytes).
/// </summary>
public static class PredictResponseWriter
{
    private const int IntegerLength = 20;

    /// <summary>
    /// Writes the response for <paramref name="outputs"/> (alias, tensor) in their order. Throws
    /// <see cref="ServingException"/> (InvalidArgument, TF Serving's text) before writing anything if they
    /// cannot be written.
    /// </summary>
    public static void Write(IBufferWriter<byte> output, PredictRequestFormat format, IReadOnlyList<KeyValuePair<string, Tensor>> outputs)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(outputs);
        if (outputs.Count == 0)
        {
            throw ServingException.InvalidArgument("Cannot convert empty tensor map to JSON");
        }

        var batchSize = format == PredictRequestFormat.Row ? CheckBatch(outputs) : 0;
        foreach (var (_, tensor) in outputs)
        {
            if (!TensorDataTypes.IsSupported(tensor.DataType))
            {
                throw ServingException.InvalidArgument(
                    $"Failed to write JSON value for tensor type: {TfNames.DataType(tensor.DataType)}");
            }
        }

        var json = new JsonOutput(output);
        if (format == PredictRequestFormat.Row)
        {
            WriteRows(ref json, outputs, batchSize);
        }
        else
        {
            WriteColumns(ref json, outputs);
        }

        json.Flush();
    }

    /// <summary>Every output needs a batch dimension, the same for all (TF Serving's checks and texts).</summary>
    private static long CheckBatch(IReadOnlyList<KeyValuePair<string, Tensor>> outputs)
    {
        long batchSize = -1;
        foreach (var (alias, tensor) in outputs)
        {
            if (tensor.Rank == 0)
            {
                throw ServingException.InvalidArgument($"Tensor name: {alias} has no shape information ");
            }

            var size = tensor.Shape[0];
            if (batchSize >= 0 && size != batchSize)
            {
                throw ServingException.InvalidArgument(
                    $"Tensor name: {alias} has inconsistent batch size: {size} expecting: {batchSize}");
            }

            batchSize = size;
        }

        return batchSize;
    }

    private static void WriteRows(ref JsonOutput json, IReadOnlyList<KeyValuePair<string, Tensor>> outputs, long batchSize)
    {
        json.WriteRaw("{\"predictions\":["u8);
        var named = outputs.Count > 1;
        var aliases = named ? outputs.Select(o => System.Text.Encoding.UTF8.GetBytes(o.Key)).ToArray() : [];
        for (long row = 0; row < batchSize; row++)
        {
            if (row > 0)
            {
                json.WriteByte((byte)',');
            }

            if (named)
            {
                json.WriteByte((byte)'{');
            }

            for (var i = 0; i < outputs.Count; i++)
            {
                var (alias, tensor) = outputs[i];
                if (named)
                {
                    if (i > 0)
                    {
                        json.WriteByte((byte)',');
                    }

                    json.WriteString(aliases[i]);
                    json.WriteByte((byte)':');
                }

                var rowShape = tensor.Shape.AsSpan(1);
                var rowSize = Tensor.ElementCountOf(rowShape);
                WriteValue(ref json, tensor, IsBytesAlias(alias), rowShape, row * rowSize);
            }

            if (named)
            {
                json.WriteByte((byte)'}');
            }
        }

        json.WriteRaw("]}"u8);
    }

    private static void WriteColumns(ref JsonOutput json, IReadOnlyList<KeyValuePair<string, Tensor>> outputs)
    {
        json.WriteRaw("{\"outputs\":"u8);
        var named = outputs.Count > 1;
        if (named)
        {
            json.WriteByte((byte)'{');
        }

        for (var i = 0; i < outputs.Count; i++)
        {
            var (alias, tensor) = outputs[i];
            if (named)
            {
                if (i > 0)
                {
                    json.WriteByte((byte)',');
                }

                json.WriteString(System.Text.Encoding.UTF8.GetBytes(alias));
                json.WriteByte((byte)':');
            }

            WriteValue(ref json, tensor, IsBytesAlias(alias), tensor.Shape, 0);
        }

        if (named)
        {
            json.WriteByte((byte)'}');
        }

        json.WriteByte((byte)'}');
    }

    // TF Serving writes DT_STRING outputs whose alias ends in "_bytes" as base64.
    private static bool IsBytesAlias(string alias) => alias.EndsWith("_bytes", StringComparison.Ordinal);

    /// <summary>Writes the elements from <paramref name="offset"/> laid out as <paramref name="shape"/> (nested lists; a bare scalar for rank 0).</summary>
    private static void WriteValue(ref JsonOutput json, Tensor tensor, bool asBytes, ReadOnlySpan<long> shape, long offset)
    {
        if (shape.IsEmpty)
        {
            WriteElements(ref json, tensor, asBytes, offset, 1);
            return;
        }

        json.WriteByte((byte)'[');
        var count = shape[0];
        if (shape.Length == 1)
        {
            WriteElements(ref json, tensor, asBytes, offset, count);
        }
        else
        {
            var stride = Tensor.ElementCountOf(shape[1..]);
            for (long i = 0; i < count; i++)
            {
                if (i > 0)
                {
                    json.WriteByte((byte)',');
                }

                WriteValue(ref json, tensor, asBytes, shape[1..], offset + (i * stride));
            }
        }

        json.WriteByte((byte)']');
    }

    /// <summary>Writes <paramref name="count"/> comma-separated elements starting at <paramref name="offset"/>.</summary>
    private static void WriteElements(ref JsonOutput json, Tensor tensor, bool asBytes, long offset, long count)
    {
        var start = checked((int)offset);
        var length = checked((int)count);
        switch (tensor.DataType)
        {
            case TensorDataType.Float:
                WriteFloats(ref json, tensor.AsSpan<float>().Slice(start, length));
                return;
            case TensorDataType.Double:
                WriteDoubles(ref json, tensor.AsSpan<double>().Slice(start, length));
                return;
            case TensorDataType.Half:
                WriteHalves(ref json, tensor.AsSpan<Half>().Slice(start, length));
                return;
            case TensorDataType.Int32:
                WriteIntegers<int>(ref json, tensor, start, length);
                return;
            case TensorDataType.Int64:
                WriteIntegers<long>(ref json, tensor, start, length);
                return;
            case TensorDataType.Int16:
                WriteIntegers<short>(ref json, tensor, start, length);
                return;
            case TensorDataType.Int8:
                WriteIntegers<sbyte>(ref json, tensor, start, length);
                return;
            case TensorDataType.UInt8:
                WriteIntegers<byte>(ref json, tensor, start, length);
                return;
            case TensorDataType.UInt16:
                WriteIntegers<ushort>(ref json, tensor, start, length);
                return;
            case TensorDataType.UInt32:
                WriteIntegers<uint>(ref json, tensor, start, length);
                return;
            case TensorDataType.UInt64:
                WriteIntegers<ulong>(ref json, tensor, start, length);
                return;
            case TensorDataType.Bool:
                var bools = tensor.AsSpan<byte>().Slice(start, length);
                for (var i = 0; i < bools.Length; i++)
                {
                    if (i > 0)
                    {
                        json.WriteByte((byte)',');
                    }

                    json.WriteRaw(bools[i] != 0 ? "true"u8 : "false"u8);
                }

                return;
            case TensorDataType.String:
                var strings = tensor.Strings.AsSpan(start, length);
                for (var i = 0; i < strings.Length; i++)
                {
                    if (i > 0)
                    {
                        json.WriteByte((byte)',');
                    }

                    // Bytes that are not UTF-8 cannot be a JSON string; base64 keeps them intact.
                    if (asBytes || !Utf8.IsValid(strings[i]))
                    {
                        json.WriteBase64Object(strings[i]);
                    }
                    else
                    {
                        json.WriteString(strings[i]);
                    }
                }

                return;
            default:
                throw ServingException.InvalidArgument(
                    $"Failed to write JSON value for tensor type: {TfNames.DataType(tensor.DataType)}");
        }
    }

    private static void WriteIntegers<T>(ref JsonOutput json, Tensor tensor, int start, int length)
        where T : unmanaged, IUtf8SpanFormattable
    {
        var values = tensor.AsSpan<T>().Slice(start, length);
        for (var i = 0; i < values.Length; i++)
        {
            var room = json.Reserve(IntegerLength + 1);
            var used = 0;
            if (i > 0)
            {
                room[used++] = (byte)',';
            }

            values[i].TryFormat(room[used..], out var written, default, null);
            json.Advance(used + written);
        }
    }

    private static void WriteFloats(ref JsonOutput json, ReadOnlySpan<float> values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            var room = json.Reserve(TfDecimalFormatter.MaxLength + 1);
            var used = 0;
            if (i > 0)
            {
                room[used++] = (byte)',';
            }

            json.Advance(used + TfDecimalFormatter.Format(values[i], room[used..]));
        }
    }

    private static void WriteDoubles(ref JsonOutput json, ReadOnlySpan<double> values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            var room = json.Reserve(TfDecimalFormatter.MaxLength + 1);
            var used = 0;
            if (i > 0)
            {
                room[used++] = (byte)',';
            }

            json.Advance(used + TfDecimalFormatter.Format(values[i], room[used..]));
        }
    }

    private static void WriteHalves(ref JsonOutput json, ReadOnlySpan<Half> values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            var room = json.Reserve(TfDecimalFormatter.MaxLength + 1);
            var used = 0;
            if (i > 0)
            {
                room[used++] = (byte)',';
            }

            json.Advance(used + TfDecimalFormatter.Format(values[i], room[used..]));
        }
    }
}
