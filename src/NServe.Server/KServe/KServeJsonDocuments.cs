using System.Buffers;
using System.Text.Json;

namespace NServe.Server.KServe;

/// <summary>The small REST v2 documents: server metadata, model metadata and the health answers.</summary>
public static class KServeJsonDocuments
{
    public static void WriteServerMetadata(IBufferWriter<byte> destination)
    {
        using var writer = new Utf8JsonWriter(destination, KServeJsonResponseWriter.Options);
        writer.WriteStartObject();
        writer.WriteString("name"u8, KServeServerInfo.Name);
        writer.WriteString("version"u8, KServeServerInfo.Version);
        writer.WriteStartArray("extensions"u8);
        foreach (var extension in KServeServerInfo.Extensions)
        {
            writer.WriteStringValue(extension);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    public static void WriteModelMetadata(IBufferWriter<byte> destination, KServeModelMetadata metadata)
    {
        using var writer = new Utf8JsonWriter(destination, KServeJsonResponseWriter.Options);
        writer.WriteStartObject();
        writer.WriteString("name"u8, metadata.Name);
        writer.WriteStartArray("versions"u8);
        foreach (var version in metadata.Versions)
        {
            writer.WriteStringValue(version);
        }

        writer.WriteEndArray();
        writer.WriteString("platform"u8, metadata.Platform);
        WriteTensors(writer, "inputs"u8, metadata.Inputs);
        WriteTensors(writer, "outputs"u8, metadata.Outputs);
        writer.WriteStartObject("parameters"u8);
        writer.WriteString("execution_provider"u8, metadata.ExecutionProvider);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary><c>{"live": true}</c>, <c>{"ready": false}</c>, or with the model name for model ready.</summary>
    public static void WriteHealth(IBufferWriter<byte> destination, ReadOnlySpan<byte> key, bool value, string? model = null)
    {
        using var writer = new Utf8JsonWriter(destination, KServeJsonResponseWriter.Options);
        writer.WriteStartObject();
        if (model is not null)
        {
            writer.WriteString("name"u8, model);
        }

        writer.WriteBoolean(key, value);
        writer.WriteEndObject();
    }

    private static void WriteTensors(Utf8JsonWriter writer, ReadOnlySpan<byte> key, IReadOnlyList<KServeTensorMetadata> tensors)
    {
        writer.WriteStartArray(key);
        foreach (var tensor in tensors)
        {
            writer.WriteStartObject();
            writer.WriteString("name"u8, tensor.Name);
            writer.WriteString("datatype"u8, tensor.DataType);
            writer.WriteStartArray("shape"u8);
            foreach (var dim in tensor.Shape)
            {
                writer.WriteNumberValue(dim);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }
}
