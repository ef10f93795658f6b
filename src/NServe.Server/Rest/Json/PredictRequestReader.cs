using NServe.Core.Errors;
using NServe.Core.Servables;
using NServe.Core.Tensors;

namespace NServe.Server.Rest.Json;

/// <summary>
/// Reads a REST <c>:predict</c> body into input tensors, following TF Serving's json_tensor.cc rules and
/// error texts (rest_api.md §4): checks the JSON, then <c>signature_name</c>, looks the signature up (its
/// input dtypes drive decoding), then reads <c>instances</c> (row format) or <c>inputs</c> (columnar).
/// Numbers go straight from the body into pooled tensor memory; no DOM is built.
/// </summary>
public static class PredictRequestReader
{
    private const int SignatureNameKey = 0;
    private const int InstancesKey = 1;
    private const int InputsKey = 2;

    private static readonly byte[][] RootKeys = ["signature_name"u8.ToArray(), "instances"u8.ToArray(), "inputs"u8.ToArray()];

    /// <summary>
    /// Decodes <paramref name="utf8Body"/>. <paramref name="signatureLookup"/> gets the signature name from the
    /// body (null when absent or empty, meaning the default) and throws <see cref="ServingException"/> for an
    /// unknown one. Containers nested deeper than <paramref name="maxDepth"/> are refused. Throws <see cref="ServingException"/> (InvalidArgument, or Unimplemented for an input type
    /// JSON cannot express) with TF Serving's message for a bad body.
    /// </summary>
    public static PredictRequestJson Read(ReadOnlySpan<byte> utf8Body, Func<string?, Signature> signatureLookup, int maxDepth = int.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(signatureLookup);
        if (utf8Body.IsEmpty)
        {
            throw ServingException.InvalidArgument("JSON Parse error: The document is empty");
        }

        Span<JsonValueRange> members = stackalloc JsonValueRange[RootKeys.Length];
        var root = JsonSyntaxValidator.Validate(utf8Body, RootKeys, members, maxDepth);
        if (utf8Body[root] != '{')
        {
            throw ServingException.InvalidArgument($"JSON Value: {JsonValuePrinter.Print(utf8Body, root)} Is not object");
        }

        var signatureName = JsonSignatureName.Read(utf8Body, root, members[SignatureNameKey]) is { Length: > 0 } named ? named : null;

        var signature = signatureLookup(signatureName);
        if (signature.Inputs.Count == 0)
        {
            throw ServingException.InvalidArgument($"Failed to get input map for signature: {signatureName ?? "DEFAULT"}");
        }

        var signatureKey = signatureName ?? Signature.DefaultKey;
        var instances = members[InstancesKey];
        var inputs = members[InputsKey];
        if (instances.Exists)
        {
            if (inputs.Exists)
            {
                throw ServingException.InvalidArgument(
                    $"JSON Value: {JsonValuePrinter.Print(utf8Body, root)} Not formatted correctly expecting only one of 'inputs' or 'instances' keys to exist ");
            }

            if (utf8Body[instances.Start] != '[')
            {
                throw ServingException.InvalidArgument(
                    $"JSON Value: {JsonValuePrinter.Print(utf8Body, root)} Expecting 'instances' to be an list/array");
            }

            if (IsEmptyList(utf8Body, instances.Start))
            {
                throw ServingException.InvalidArgument(
                    $"JSON Value: {JsonValuePrinter.Print(utf8Body, root)} No values in 'instances' array");
            }

            return new PredictRequestJson(signatureKey, RowFormatReader.Read(utf8Body, instances, signature), PredictRequestFormat.Row);
        }

        if (inputs.Exists)
        {
            return new PredictRequestJson(signatureKey, ReadColumnar(utf8Body, inputs, signature), PredictRequestFormat.Columnar);
        }

        throw ServingException.InvalidArgument("Missing 'inputs' or 'instances' key");
    }

    private static bool IsEmptyList(ReadOnlySpan<byte> json, int start)
    {
        var cursor = new JsonCursor(json, start);
        cursor.Advance();
        return cursor.Peek() == ']';
    }

    /// <summary>Columnar format: <c>inputs</c> is the single input's value, or an object of values by alias.</summary>
    private static Dictionary<string, Tensor> ReadColumnar(ReadOnlySpan<byte> json, JsonValueRange inputs, Signature signature)
    {
        var specs = signature.Inputs;
        var tensors = new Dictionary<string, Tensor>(specs.Count, StringComparer.Ordinal);
        var decoder = TensorValueDecoder.ForThisThread();
        try
        {
            if (json[inputs.Start] != '{' || JsonLeafReader.IsBase64Object(json, inputs.Start))
            {
                if (specs.Count > 1)
                {
                    throw ServingException.InvalidArgument(
                        "inputs is a plain value/list, but expecting an object as multiple input tensors required as per tensorinfo_map");
                }

                var (alias, spec) = specs[0];
                tensors.Add(alias, DecodeWhole(json, inputs.Start, spec.DataType, ElementHint(inputs.Length), decoder));
                return tensors;
            }

            var positions = FindMembers(json, inputs.Start, specs);
            for (var i = 0; i < specs.Count; i++)
            {
                var (alias, spec) = specs[i];
                if (positions[i] < 0)
                {
                    throw ServingException.InvalidArgument($"Missing named input: {alias} in 'inputs' object.");
                }

                tensors.Add(alias, DecodeWhole(json, positions[i], spec.DataType, ElementHint(inputs.Length / specs.Count), decoder));
            }

            return tensors;
        }
        catch
        {
            foreach (var tensor in tensors.Values)
            {
                tensor.Dispose();
            }

            throw;
        }
    }

    /// <summary>One value as one tensor, its shape exactly the value's nesting (a scalar gives rank 0).</summary>
    private static Tensor DecodeWhole(ReadOnlySpan<byte> json, int start, TensorDataType dataType, int elementHint, TensorValueDecoder decoder)
    {
        using var elements = new TensorAccumulator(dataType, elementHint);
        var cursor = new JsonCursor(json, start);
        if (!decoder.TryDecode(ref cursor, dataType, elements))
        {
            throw TensorValueChecker.Find(json, start, dataType);
        }

        return elements.ToTensor(decoder.Shape.ToArray());
    }

    /// <summary>The value position of each input's first member in the object at <paramref name="start"/>; -1 if absent.</summary>
    private static int[] FindMembers(ReadOnlySpan<byte> json, int start, IReadOnlyList<KeyValuePair<string, TensorSpec>> specs)
    {
        var names = new byte[specs.Count][];
        for (var i = 0; i < names.Length; i++)
        {
            names[i] = System.Text.Encoding.UTF8.GetBytes(specs[i].Key);
        }

        var positions = new int[specs.Count];
        Array.Fill(positions, -1);
        var cursor = new JsonCursor(json, start);
        if (!cursor.EnterObject())
        {
            return positions;
        }

        do
        {
            var name = cursor.ReadMemberName(out var hasEscapes);
            for (var i = 0; i < names.Length; i++)
            {
                if (positions[i] < 0 && JsonStrings.ContentEquals(name, hasEscapes, names[i]))
                {
                    positions[i] = cursor.Position;
                    break;
                }
            }

            cursor.SkipValue();
        }
        while (cursor.NextItem());

        return positions;
    }

    /// <summary>An upper bound on the numbers in <paramref name="jsonLength"/> bytes (each takes a digit and a comma).</summary>
    internal static int ElementHint(int jsonLength) => (jsonLength / 2) + 1;
}
