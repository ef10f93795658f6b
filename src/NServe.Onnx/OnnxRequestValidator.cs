using NServe.Core.Errors;
using NServe.Core.Servables;
using NServe.Core.Tensors;

namespace NServe.Onnx;

/// <summary>
/// Checks a request against a signature before ORT sees it, so a bad request gets TF Serving's words
/// (input set, dtype) or a plain statement of the shape rule it broke, and ORT never reads a tensor
/// whose size disagrees with its shape.
/// </summary>
internal static class OnnxRequestValidator
{
    /// <summary>The inputs in signature order, after checking aliases, dtypes, ranks and fixed dimensions.</summary>
    public static Tensor[] OrderInputs(OnnxSignature signature, IReadOnlyDictionary<string, Tensor> inputs)
    {
        var specs = signature.InputSpecs;
        if (inputs.Count != specs.Length)
        {
            throw InputSizeMismatch(signature, inputs);
        }

        var ordered = new Tensor[specs.Length];
        foreach (var (alias, tensor) in inputs)
        {
            if (!signature.TryGetInputIndex(alias, out var index))
            {
                throw ServingException.InvalidArgument(
                    $"input tensor alias not found in signature: {alias}. Inputs expected to be in the set {{{signature.SortedInputAliases}}}.");
            }

            CheckTensor(index, alias, specs[index], tensor);
            ordered[index] = tensor;
        }

        return ordered;
    }

    /// <summary>Signature output indices to fetch: the filter's, in its order, or all of them.</summary>
    public static int[] ResolveOutputs(OnnxSignature signature, IReadOnlyCollection<string>? outputFilter)
    {
        if (outputFilter is null || outputFilter.Count == 0)
        {
            return Enumerable.Range(0, signature.OutputSpecs.Length).ToArray();
        }

        var indices = new int[outputFilter.Count];
        var count = 0;
        foreach (var alias in outputFilter)
        {
            if (!signature.TryGetOutputIndex(alias, out var index))
            {
                // Wording (including the missing period after the alias) as TF Serving's predict_util.
                throw ServingException.InvalidArgument(
                    $"output tensor alias not found in signature: {alias} Outputs expected to be in the set {{{signature.SortedOutputAliases}}}.");
            }

            if (indices.AsSpan(0, count).Contains(index))
            {
                throw ServingException.InvalidArgument($"duplicate output tensor alias: {alias}");
            }

            indices[count++] = index;
        }

        return indices;
    }

    private static void CheckTensor(int index, string alias, TensorSpec spec, Tensor tensor)
    {
        if (tensor.DataType != spec.DataType)
        {
            // TensorFlow's own wording for a feed of the wrong type; arg[i] counts signature inputs in order.
            throw ServingException.InvalidArgument(
                $"Expects arg[{index}] to be {OnnxDataTypes.TfShortName(spec.DataType)} but {OnnxDataTypes.TfShortName(tensor.DataType)} is provided");
        }

        // ORT reports an input of unknown rank like a scalar (no dimensions), so a rank-0 spec proves
        // nothing here; ORT checks the rank itself when the model really declares a scalar.
        if (spec.Shape is not { Length: > 0 } expected)
        {
            return;
        }

        var actual = tensor.Shape;
        if (actual.Length != expected.Length)
        {
            throw ServingException.InvalidArgument(
                $"input '{alias}' has shape {tensor.ShapeString} of rank {actual.Length}, but the signature expects rank {expected.Length}: {ShapeString(expected)}");
        }

        for (var d = 0; d < expected.Length; d++)
        {
            if (expected[d] >= 0 && actual[d] != expected[d])
            {
                throw ServingException.InvalidArgument(
                    $"input '{alias}' has shape {tensor.ShapeString}, but the signature expects {ShapeString(expected)}: dimension {d} must be {expected[d]}");
            }
        }
    }

    private static ServingException InputSizeMismatch(OnnxSignature signature, IReadOnlyDictionary<string, Tensor> inputs)
    {
        var sent = new SortedSet<string>(inputs.Keys, StringComparer.Ordinal);
        var expected = new SortedSet<string>(signature.Signature.Inputs.Select(p => p.Key), StringComparer.Ordinal);
        var extra = sent.Where(a => !expected.Contains(a));
        var missing = expected.Where(a => !sent.Contains(a));
        return ServingException.InvalidArgument(
            $"input size does not match signature: {sent.Count}!={expected.Count} len({{{string.Join(",", sent)}}}) != len({{{string.Join(",", expected)}}}). " +
            $"Sent extra: {{{string.Join(",", extra)}}}. Missing but required: {{{string.Join(",", missing)}}}.");
    }

    private static string ShapeString(long[] shape) => "[" + string.Join(",", shape) + "]";
}
