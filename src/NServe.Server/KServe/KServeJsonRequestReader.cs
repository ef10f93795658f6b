using System.Globalization;
using System.Text.Json;
using NServe.Core.Errors;
using NServe.Core.Tensors;

namespace NServe.Server.KServe;

/// <summary>
/// Reads a REST v2 inference request: the JSON header with one forward pass of <see cref="Utf8JsonReader"/>
/// (no DOM; each input's <c>data</c> decoded straight into its tensor, or, when <c>data</c> comes before
/// <c>shape</c>/<c>datatype</c>, decoded from its remembered range once they are known), then the binary
/// tensor extension's blobs, which follow the JSON in the order of the inputs that declare
/// <c>binary_data_size</c>.
/// </summary>
public static class KServeJsonRequestReader
{
    private static readonly JsonReaderOptions Options = new() { MaxDepth = 64 };

    /// <summary>
    /// Decodes <paramref name="body"/>. <paramref name="jsonLength"/> is the <c>Inference-Header-Content-Length</c>
    /// (null when absent: the whole body is JSON). Throws InvalidArgument for anything malformed.
    /// </summary>
    public static KServeInferRequest Read(ReadOnlySpan<byte> body, int? jsonLength)
    {
        if (jsonLength is { } declared && (declared <= 0 || declared > body.Length))
        {
            throw ServingException.InvalidArgument(
                $"Inference-Header-Content-Length is {declared}, but it must lie between 1 and the body's {body.Length} bytes");
        }

        var json = jsonLength is { } n ? body[..n] : body;
        var request = new KServeInferRequest();
        var drafts = new List<InputDraft>();
        try
        {
            try
            {
                ReadJson(json, request, drafts);
            }
            catch (JsonException e)
            {
                throw ServingException.InvalidArgument($"malformed JSON in inference request: {e.Message}");
            }

            var binary = jsonLength is { } m ? body[m..] : default;
            Complete(json, binary, jsonLength is not null, drafts, request);
            return request;
        }
        catch
        {
            foreach (var draft in drafts)
            {
                draft.Tensor?.Dispose();
            }

            request.Dispose();
            throw;
        }
    }

    private static void ReadJson(ReadOnlySpan<byte> json, KServeInferRequest request, List<InputDraft> drafts)
    {
        var reader = new Utf8JsonReader(json, Options);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw ServingException.InvalidArgument("an inference request must be a JSON object");
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("id"u8))
            {
                reader.Read();
                request.Id = reader.TokenType == JsonTokenType.String
                    ? reader.GetString()
                    : throw ServingException.InvalidArgument("'id' must be a string");
            }
            else if (reader.ValueTextEquals("parameters"u8))
            {
                ReadRequestParameters(ref reader, request);
            }
            else if (reader.ValueTextEquals("inputs"u8))
            {
                reader.Read();
                ExpectArray(ref reader, "'inputs'");
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    drafts.Add(ReadInput(ref reader, json, drafts.Count));
                }
            }
            else if (reader.ValueTextEquals("outputs"u8))
            {
                reader.Read();
                ExpectArray(ref reader, "'outputs'");
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    request.Outputs.Add(ReadOutput(ref reader, request.Outputs.Count));
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        // Anything but whitespace after the object makes Read throw.
        if (reader.Read())
        {
            throw ServingException.InvalidArgument("unexpected content after the inference request object");
        }
    }

    private static void ReadRequestParameters(ref Utf8JsonReader reader, KServeInferRequest request)
    {
        reader.Read();
        ExpectObject(ref reader, "request 'parameters'");
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals(KServeParameters.SignatureName))
            {
                reader.Read();
                request.SignatureName = reader.TokenType == JsonTokenType.String
                    ? reader.GetString()
                    : throw ServingException.InvalidArgument("parameter 'signature_name' must be a string");
            }
            else if (reader.ValueTextEquals(KServeParameters.BinaryDataOutput))
            {
                reader.Read();
                request.BinaryDataOutput = ReadBool(ref reader, "parameter 'binary_data_output'");
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
    }

    private static InputDraft ReadInput(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, int position)
    {
        ExpectObject(ref reader, $"input #{position}");
        var draft = new InputDraft();
        try
        {
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("name"u8))
                {
                    reader.Read();
                    draft.Name = reader.TokenType == JsonTokenType.String
                        ? reader.GetString()
                        : throw ServingException.InvalidArgument($"input #{position}: 'name' must be a string");
                }
                else if (reader.ValueTextEquals("shape"u8))
                {
                    reader.Read();
                    draft.Shape = ReadShape(ref reader, draft.Label(position));
                }
                else if (reader.ValueTextEquals("datatype"u8))
                {
                    reader.Read();
                    draft.DataType = reader.TokenType == JsonTokenType.String
                        ? KServeDataTypes.Parse(reader.GetString()!, draft.Label(position))
                        : throw ServingException.InvalidArgument($"input '{draft.Label(position)}': 'datatype' must be a string");
                }
                else if (reader.ValueTextEquals("parameters"u8))
                {
                    ReadInputParameters(ref reader, draft, position);
                }
                else if (reader.ValueTextEquals("data"u8))
                {
                    reader.Read();
                    if (draft.HasData)
                    {
                        throw ServingException.InvalidArgument($"input '{draft.Label(position)}' has 'data' twice");
                    }

                    draft.HasData = true;
                    if (draft.Shape is { } shape && draft.DataType != TensorDataType.Invalid)
                    {
                        draft.Tensor = KServeJsonTensorDecoder.Decode(
                            ref reader, draft.Label(position), draft.DataType, shape, json.Length - reader.TokenStartIndex);
                    }
                    else
                    {
                        // Shape or datatype comes later: remember where the data is and decode it then.
                        draft.DataStart = reader.TokenStartIndex;
                        reader.Skip();
                        draft.DataEnd = reader.BytesConsumed;
                    }
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            if (draft.Name is null)
            {
                throw ServingException.InvalidArgument($"input #{position} has no 'name'");
            }

            if (draft.Shape is null)
            {
                throw ServingException.InvalidArgument($"input '{draft.Name}' has no 'shape'");
            }

            if (draft.DataType == TensorDataType.Invalid)
            {
                throw ServingException.InvalidArgument($"input '{draft.Name}' has no 'datatype'");
            }

            if (draft.HasData == (draft.BinaryDataSize is not null))
            {
                throw ServingException.InvalidArgument(draft.HasData
                    ? $"input '{draft.Name}' has both 'data' and a 'binary_data_size' parameter"
                    : $"input '{draft.Name}' has no 'data' (and no 'binary_data_size' parameter)");
            }

            if (draft.HasData && draft.Tensor is null)
            {
                var range = json[(int)draft.DataStart..(int)draft.DataEnd];
                var dataReader = new Utf8JsonReader(range, Options);
                dataReader.Read();
                draft.Tensor = KServeJsonTensorDecoder.Decode(ref dataReader, draft.Name, draft.DataType, draft.Shape, range.Length);
            }

            return draft;
        }
        catch
        {
            draft.Tensor?.Dispose();
            throw;
        }
    }

    private static void ReadInputParameters(ref Utf8JsonReader reader, InputDraft draft, int position)
    {
        reader.Read();
        ExpectObject(ref reader, $"input '{draft.Label(position)}' 'parameters'");
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals(KServeParameters.BinaryDataSize))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out var size) || size < 0)
                {
                    throw ServingException.InvalidArgument(
                        $"input '{draft.Label(position)}': 'binary_data_size' must be a non-negative integer");
                }

                draft.BinaryDataSize = size;
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
    }

    private static KServeRequestedOutput ReadOutput(ref Utf8JsonReader reader, int position)
    {
        ExpectObject(ref reader, $"output #{position}");
        string? name = null;
        bool? binary = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("name"u8))
            {
                reader.Read();
                name = reader.TokenType == JsonTokenType.String
                    ? reader.GetString()
                    : throw ServingException.InvalidArgument($"output #{position}: 'name' must be a string");
            }
            else if (reader.ValueTextEquals("parameters"u8))
            {
                reader.Read();
                ExpectObject(ref reader, $"output #{position} 'parameters'");
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    if (reader.ValueTextEquals(KServeParameters.BinaryData))
                    {
                        reader.Read();
                        binary = ReadBool(ref reader, $"output #{position}: parameter 'binary_data'");
                    }
                    else if (reader.ValueTextEquals(KServeParameters.Classification))
                    {
                        throw ServingException.InvalidArgument(
                            $"output #{position}: the classification extension is not supported; request the output itself");
                    }
                    else
                    {
                        reader.Read();
                        reader.Skip();
                    }
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return new KServeRequestedOutput(name ?? throw ServingException.InvalidArgument($"output #{position} has no 'name'"), binary);
    }

    private static long[] ReadShape(ref Utf8JsonReader reader, string label)
    {
        ExpectArray(ref reader, $"input '{label}': 'shape'");
        var dims = new List<long>(4);
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out var dim) || dim < 0)
            {
                throw ServingException.InvalidArgument($"input '{label}': 'shape' must hold non-negative integers");
            }

            dims.Add(dim);
        }

        return [.. dims];
    }

    /// <summary>Binary blobs in input order, then checks that they fill the rest of the body exactly.</summary>
    private static void Complete(
        ReadOnlySpan<byte> json, ReadOnlySpan<byte> binary, bool hasHeader, List<InputDraft> drafts, KServeInferRequest request)
    {
        long offset = 0;
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var draft in drafts)
        {
            if (!names.Add(draft.Name!))
            {
                throw ServingException.InvalidArgument($"input '{draft.Name}' appears more than once");
            }

            if (draft.BinaryDataSize is { } size)
            {
                if (!hasHeader)
                {
                    throw ServingException.InvalidArgument(
                        $"input '{draft.Name}' has 'binary_data_size', which needs the Inference-Header-Content-Length header");
                }

                if (size > binary.Length - offset)
                {
                    throw ServingException.InvalidArgument(
                        $"input '{draft.Name}': 'binary_data_size' is {size}, but only {binary.Length - offset} bytes of binary data remain");
                }

                draft.Tensor = KServeRawTensor.Decode(draft.Name!, draft.DataType, draft.Shape!, binary.Slice((int)offset, (int)size));
                offset += size;
            }
        }

        if (offset != binary.Length)
        {
            throw ServingException.InvalidArgument(
                $"the body holds {binary.Length} bytes after the {json.Length}-byte JSON header, but the inputs' 'binary_data_size' add up to {offset}");
        }

        foreach (var draft in drafts)
        {
            request.Inputs.Add(new(draft.Name!, draft.Tensor!));
            draft.Tensor = null;
        }
    }

    private static bool ReadBool(ref Utf8JsonReader reader, string what) => reader.TokenType switch
    {
        JsonTokenType.True => true,
        JsonTokenType.False => false,
        _ => throw ServingException.InvalidArgument($"{what} must be true or false"),
    };

    private static void ExpectObject(ref Utf8JsonReader reader, string what)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw ServingException.InvalidArgument($"{what} must be a JSON object");
        }
    }

    private static void ExpectArray(ref Utf8JsonReader reader, string what)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw ServingException.InvalidArgument($"{what} must be a JSON array");
        }
    }

    /// <summary>An input while its object is read; its tensor moves into the request at the end.</summary>
    private sealed class InputDraft
    {
        public string? Name { get; set; }

        public long[]? Shape { get; set; }

        public TensorDataType DataType { get; set; }

        public bool HasData { get; set; }

        public long DataStart { get; set; }

        public long DataEnd { get; set; }

        public long? BinaryDataSize { get; set; }

        public Tensor? Tensor { get; set; }

        public string Label(int position) => Name ?? ("#" + position.ToString(CultureInfo.InvariantCulture));
    }
}
