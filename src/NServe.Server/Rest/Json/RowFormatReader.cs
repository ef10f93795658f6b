using NServe.Core.Errors;
using NServe.Core.Servables;
using NServe.Core.Tensors;

namespace NServe.Server.Rest.Json;

/// <summary>
/// Reads the row format (<c>"instances": [...]</c>, json_tensor.cc <c>FillTensorMapFromInstancesList</c>): the
/// first element decides the mode. A plain value, list or <c>{"b64": ...}</c> means each element is the
/// value of the one input; an object means each element maps every input alias to its value. Elements
/// are appended to one batch per input, which gains the instance count as its first dimension.
/// </summary>
internal static class RowFormatReader
{
    /// <summary>Reads the non-empty list at <paramref name="instances"/>.</summary>
    public static Dictionary<string, Tensor> Read(ReadOnlySpan<byte> json, JsonValueRange instances, Signature signature)
    {
        var specs = signature.Inputs;
        var slots = new InputSlot[specs.Count];
        var hint = PredictRequestReader.ElementHint(instances.Length / specs.Count);
        try
        {
            for (var i = 0; i < slots.Length; i++)
            {
                slots[i] = new InputSlot(specs[i].Key, specs[i].Value.DataType, hint);
            }

            var cursor = new JsonCursor(json, instances.Start);
            cursor.Advance();
            var first = cursor.Peek();
            var objectMode = first == '{' && !JsonLeafReader.IsBase64Object(json, cursor.Position);

            // TF Serving lets a leading {"b64": ...} through here and fails later; refusing it now is clearer.
            if (!objectMode && slots.Length > 1)
            {
                throw ServingException.InvalidArgument(
                    "instances is a plain list, but expecting list of objects as multiple input tensors required as per tensorinfo_map");
            }

            var decoder = TensorValueDecoder.ForThisThread();
            var item = 0;
            do
            {
                if (objectMode)
                {
                    ReadObjectInstance(ref cursor, item, slots, decoder);
                }
                else
                {
                    ReadValueInstance(ref cursor, item, slots[0], decoder);
                }

                item++;
            }
            while (cursor.NextItem());

            var tensors = new Dictionary<string, Tensor>(slots.Length, StringComparer.Ordinal);
            foreach (var slot in slots)
            {
                tensors.Add(slot.Alias, slot.ToBatchTensor(item));
            }

            return tensors;
        }
        finally
        {
            // Slots whose elements became tensors have nothing left to return.
            foreach (var slot in slots)
            {
                slot?.Dispose();
            }
        }
    }

    private static void ReadValueInstance(ref JsonCursor cursor, int item, InputSlot slot, TensorValueDecoder decoder)
    {
        var json = cursor.Json;
        var first = cursor.Peek();
        var start = cursor.Position;
        if (first == '{' && !JsonLeafReader.IsBase64Object(json, start))
        {
            throw ServingException.InvalidArgument($"Expecting value/list but got object at item {item} of input list");
        }

        var error = DecodeInstance(ref cursor, slot, decoder);
        if (error is not null)
        {
            throw ServingException.InvalidArgument(
                $"Failed to process element: {item} of 'instances' list. Error: {TfNames.StatusCode(error.Code)}: {error.Message}");
        }
    }

    private static void ReadObjectInstance(ref JsonCursor cursor, int item, InputSlot[] slots, TensorValueDecoder decoder)
    {
        var json = cursor.Json;
        var first = cursor.Peek();
        var start = cursor.Position;
        if (first != '{' || JsonLeafReader.IsBase64Object(json, start))
        {
            throw ServingException.InvalidArgument($"Expecting object but got list at item {item} of input list");
        }

        Span<bool> seen = slots.Length <= 256 ? stackalloc bool[slots.Length] : new bool[slots.Length];
        var seenCount = 0;
        if (cursor.EnterObject())
        {
            do
            {
                var name = cursor.ReadMemberName(out var hasEscapes);
                var index = FindSlot(slots, name, hasEscapes);
                ServingException? error;
                if (index < 0)
                {
                    error = ServingException.InvalidArgument($"JSON object: does not have named input: {JsonStrings.ToText(name, hasEscapes)}");
                }
                else if (seen[index])
                {
                    // TF Serving would append the values twice and fail later; say what is wrong instead.
                    error = ServingException.InvalidArgument($"JSON object: has duplicate named input: {slots[index].Alias}");
                }
                else
                {
                    seen[index] = true;
                    seenCount++;
                    error = DecodeInstance(ref cursor, slots[index], decoder);
                }

                if (error is not null)
                {
                    throw ServingException.InvalidArgument(
                        $"Failed to process element: {item} key: {JsonStrings.ToText(name, hasEscapes)} of 'instances' list. Error: {TfNames.StatusCode(error.Code)}: {error.Message}");
                }
            }
            while (cursor.NextItem());
        }

        if (seenCount != slots.Length)
        {
            var names = slots.Select(s => s.Alias).Order(StringComparer.Ordinal);
            throw ServingException.InvalidArgument(
                $"Failed to process element: {item} of 'instances' list. JSON object: {JsonValuePrinter.Print(json, start)} keys must be equal to: {string.Join(",", names)}");
        }
    }

    /// <summary>Decodes one instance's value for <paramref name="slot"/>; the error (not yet wrapped) if any.</summary>
    private static ServingException? DecodeInstance(ref JsonCursor cursor, InputSlot slot, TensorValueDecoder decoder)
    {
        var start = cursor.Position;
        var before = slot.Elements.Count;
        if (!decoder.TryDecode(ref cursor, slot.DataType, slot.Elements))
        {
            return TensorValueChecker.Find(cursor.Json, start, slot.DataType);
        }

        return slot.AddInstance(decoder.Shape, slot.Elements.Count - before);
    }

    private static int FindSlot(InputSlot[] slots, ReadOnlySpan<byte> name, bool hasEscapes)
    {
        for (var i = 0; i < slots.Length; i++)
        {
            if (JsonStrings.ContentEquals(name, hasEscapes, slots[i].AliasUtf8))
            {
                return i;
            }
        }

        return -1;
    }
}
