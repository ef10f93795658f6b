using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace NServe.Bench.Baseline;

/// <summary>
/// The least a REST predict can do: read the body, pull the numbers of <c>"instances"</c> (a list of numbers,
/// or of equal-length number lists) with Utf8JsonReader into a pooled array, run, and write
/// <c>{"predictions": ...}</c> with Utf8JsonWriter. No validation beyond what the reader does itself.
/// </summary>
internal static class BareRestPredict
{
    private static readonly JsonWriterOptions WriterOptions = new() { SkipValidation = true };

    public static async Task HandleAsync(HttpContext context, OrtModel model)
    {
        var body = await ReadBodyAsync(context.Request.BodyReader, context.RequestAborted);
        var values = ArrayPool<float>.Shared.Rent(Math.Max(16, body.Count / 2));
        try
        {
            long[] shape;
            try
            {
                shape = ReadInstances(new ReadOnlySpan<byte>(body.Array, 0, body.Count), values);
            }
            catch (JsonException e)
            {
                context.Response.StatusCode = 400;
                await context.Response.WriteAsync($"{{\"error\": \"{JsonEncodedText.Encode(e.Message)}\"}}");
                return;
            }

            using var outputs = model.Run(values.AsMemory(0, checked((int)Count(shape))), shape);
            var output = outputs.First();
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/json";
            WritePredictions(context.Response.BodyWriter, output.GetTensorDataAsSpan<float>(), output.GetTensorTypeAndShape().Shape);
            await context.Response.BodyWriter.FlushAsync(context.RequestAborted);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(values);
            ArrayPool<byte>.Shared.Return(body.Array!);
        }
    }

    private static async Task<ArraySegment<byte>> ReadBodyAsync(PipeReader reader, CancellationToken cancellationToken)
    {
        while (true)
        {
            var read = await reader.ReadAsync(cancellationToken);
            if (read.IsCompleted)
            {
                var length = (int)read.Buffer.Length;
                var array = ArrayPool<byte>.Shared.Rent(Math.Max(length, 1));
                read.Buffer.CopyTo(array);
                reader.AdvanceTo(read.Buffer.End);
                return new ArraySegment<byte>(array, 0, length);
            }

            reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
        }
    }

    /// <summary>Reads the numbers under "instances" into <paramref name="values"/>; returns [n] or [n, width].</summary>
    private static long[] ReadInstances(ReadOnlySpan<byte> json, float[] values)
    {
        var reader = new Utf8JsonReader(json);
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1 && reader.ValueTextEquals("instances"u8))
            {
                break;
            }
        }

        if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException("\"instances\" must be a list");
        }

        var count = 0;
        var rows = 0;
        var width = -1;
        var rowStart = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType == JsonTokenType.StartArray)
            {
                rowStart = count;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    values[count++] = reader.GetSingle();
                }

                width = count - rowStart;
            }
            else
            {
                values[count++] = reader.GetSingle();
            }

            rows++;
        }

        return width < 0 ? [rows] : [rows, width];
    }

    private static void WritePredictions(IBufferWriter<byte> output, ReadOnlySpan<float> values, long[] shape)
    {
        using var writer = new Utf8JsonWriter(output, WriterOptions);
        writer.WriteStartObject();
        writer.WritePropertyName("predictions"u8);
        writer.WriteStartArray();
        var width = shape.Length > 1 ? (int)(values.Length / shape[0]) : 0;
        for (var i = 0; i < values.Length; i++)
        {
            if (width > 0 && i % width == 0)
            {
                if (i > 0)
                {
                    writer.WriteEndArray();
                }

                writer.WriteStartArray();
            }

            writer.WriteNumberValue(values[i]);
        }

        if (width > 0 && values.Length > 0)
        {
            writer.WriteEndArray();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static long Count(long[] shape)
    {
        long count = 1;
        foreach (var dim in shape)
        {
            count *= dim;
        }

        return count;
    }
}
