using System.Buffers;
using System.Buffers.Binary;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using NServe.Core.Errors;
using NServe.Core.Tensors;

namespace NServe.Server.KServe;

/// <summary>
/// Writes a REST v2 inference response: the JSON document, elements written straight from tensor memory
/// with <see cref="Utf8JsonWriter"/>, and for outputs sent as binary data, <c>binary_data_size</c> in the
/// JSON and the raw bytes after it (<see cref="KServeRawTensor"/>), in output order. Non-finite floats are
/// written as the bare tokens <c>NaN</c>, <c>Infinity</c>, <c>-Infinity</c> (as Python's json module and
/// TF Serving do; strict JSON has no spelling for them).
/// </summary>
public static class KServeJsonResponseWriter
{
    internal static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    /// <summary>Fails (InvalidArgument, before anything is written) when an output cannot be sent as JSON.</summary>
    public static void CheckWritable(KServeInferResult result)
    {
        foreach (var output in result.Outputs)
        {
            if (!output.Binary && output.Tensor.IsString)
            {
                foreach (var element in output.Tensor.Strings)
                {
                    if (!Utf8.IsValid(element))
                    {
                        throw ServingException.InvalidArgument(
                            $"output '{output.Name}' holds bytes that are not UTF-8, which JSON cannot carry; request it with the 'binary_data' parameter");
                    }
                }
            }
        }
    }

    /// <summary>True when any output goes out as binary data (the response then needs the header length).</summary>
    public static bool HasBinary(KServeInferResult result) => result.Outputs.Any(o => o.Binary);

    /// <summary>Writes the JSON part of the response.</summary>
    public static void WriteJson(IBufferWriter<byte> destination, string? id, KServeInferResult result)
    {
        using var writer = new Utf8JsonWriter(destination, Options);
        writer.WriteStartObject();
        writer.WriteString("model_name"u8, result.Servable.Name);
        writer.WriteString("model_version"u8, KServeVersion.Format(result.Servable.Version));
        if (id is not null)
        {
            writer.WriteString("id"u8, id);
        }

        writer.WriteStartArray("outputs"u8);
        foreach (var output in result.Outputs)
        {
            var tensor = output.Tensor;
            writer.WriteStartObject();
            writer.WriteString("name"u8, output.Name);
            writer.WriteString("datatype"u8, KServeDataTypes.Name(tensor.DataType));
            writer.WriteStartArray("shape"u8);
            foreach (var dim in tensor.Shape)
            {
                writer.WriteNumberValue(dim);
            }

            writer.WriteEndArray();
            if (output.Binary)
            {
                writer.WriteStartObject("parameters"u8);
                writer.WriteNumber("binary_data_size"u8, KServeRawTensor.EncodedLength(tensor));
                writer.WriteEndObject();
            }
            else
            {
                writer.WritePropertyName("data"u8);
                WriteData(writer, tensor);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>Writes the binary outputs' raw bytes, in output order, after the JSON.</summary>
    public static void WriteBinary(IBufferWriter<byte> destination, KServeInferResult result)
    {
        foreach (var output in result.Outputs)
        {
            if (!output.Binary)
            {
                continue;
            }

            var tensor = output.Tensor;
            if (!tensor.IsString)
            {
                // Straight from the output's memory, in chunks the writer hands out.
                var bytes = tensor.Bytes.Span;
                while (bytes.Length > 0)
                {
                    var span = destination.GetSpan(Math.Min(bytes.Length, 1 << 16));
                    var n = Math.Min(span.Length, bytes.Length);
                    bytes[..n].CopyTo(span);
                    destination.Advance(n);
                    bytes = bytes[n..];
                }

                continue;
            }

            foreach (var element in tensor.Strings)
            {
                var span = destination.GetSpan(sizeof(uint) + element.Length);
                BinaryPrimitives.WriteUInt32LittleEndian(span, (uint)element.Length);
                element.CopyTo(span[sizeof(uint)..]);
                destination.Advance(sizeof(uint) + element.Length);
            }
        }
    }

    /// <summary>The elements of <paramref name="tensor"/> as one flat JSON array.</summary>
    public static void WriteData(Utf8JsonWriter writer, Tensor tensor)
    {
        writer.WriteStartArray();
        switch (tensor.DataType)
        {
            case TensorDataType.Bool:
                foreach (var b in tensor.Bytes.Span)
                {
                    writer.WriteBooleanValue(b != 0);
                }

                break;
            case TensorDataType.Int8:
                foreach (var v in tensor.AsSpan<sbyte>())
                {
                    writer.WriteNumberValue(v);
                }

                break;
            case TensorDataType.Int16:
                foreach (var v in tensor.AsSpan<short>())
                {
                    writer.WriteNumberValue(v);
                }

                break;
            case TensorDataType.Int32:
                foreach (var v in tensor.AsSpan<int>())
                {
                    writer.WriteNumberValue(v);
                }

                break;
            case TensorDataType.Int64:
                foreach (var v in tensor.AsSpan<long>())
                {
                    writer.WriteNumberValue(v);
                }

                break;
            case TensorDataType.UInt8:
                foreach (var v in tensor.Bytes.Span)
                {
                    writer.WriteNumberValue(v);
                }

                break;
            case TensorDataType.UInt16:
                foreach (var v in tensor.AsSpan<ushort>())
                {
                    writer.WriteNumberValue(v);
                }

                break;
            case TensorDataType.UInt32:
                foreach (var v in tensor.AsSpan<uint>())
                {
                    writer.WriteNumberValue(v);
                }

                break;
            case TensorDataType.UInt64:
                foreach (var v in tensor.AsSpan<ulong>())
                {
                    writer.WriteNumberValue(v);
                }

                break;
            case TensorDataType.Half:
                foreach (var v in tensor.AsSpan<Half>())
                {
                    WriteFloat(writer, (float)v);
                }

                break;
            case TensorDataType.Float:
                foreach (var v in tensor.AsSpan<float>())
                {
                    WriteFloat(writer, v);
                }

                break;
            case TensorDataType.Double:
                foreach (var v in tensor.AsSpan<double>())
                {
                    WriteDouble(writer, v);
                }

                break;
            case TensorDataType.String:
                foreach (var element in tensor.Strings)
                {
                    writer.WriteStringValue(element);
                }

                break;
            default:
                throw ServingException.Internal($"cannot write a {tensor.DataType} tensor as v2 JSON");
        }

        writer.WriteEndArray();
    }

    private static void WriteFloat(Utf8JsonWriter writer, float value)
    {
        if (float.IsFinite(value))
        {
            writer.WriteNumberValue(value);
        }
        else
        {
            writer.WriteRawValue(NonFinite(value), skipInputValidation: true);
        }
    }

    private static void WriteDouble(Utf8JsonWriter writer, double value)
    {
        if (double.IsFinite(value))
        {
            writer.WriteNumberValue(value);
        }
        else
        {
            writer.WriteRawValue(NonFinite(value), skipInputValidation: true);
        }
    }

    private static ReadOnlySpan<byte> NonFinite(double value) =>
        double.IsNaN(value) ? "NaN"u8 : value > 0 ? "Infinity"u8 : "-Infinity"u8;
}
