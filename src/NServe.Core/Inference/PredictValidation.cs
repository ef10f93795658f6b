using NServe.Core.Errors;
using NServe.Core.Servables;

namespace NServe.Core.Inference;

/// <summary>
/// TF Serving's checks of a predict request against its signature (predict_util.cc), with its messages,
/// shared by every wire protocol.
/// </summary>
public static class PredictValidation
{
    /// <summary>Every sent alias must be an input of the signature, and every input without a default must be sent.</summary>
    public static void CheckInputs(Signature signature, IReadOnlyCollection<string> sentAliases)
    {
        var expected = signature.InputsByAlias;
        var extra = sentAliases.Where(a => !expected.ContainsKey(a)).Order(StringComparer.Ordinal).ToList();
        var missing = expected.Keys.Where(a => !sentAliases.Contains(a) && !signature.DefaultedInputs.Contains(a)).Order(StringComparer.Ordinal).ToList();
        var defaultedLeftOut = signature.DefaultedInputs.Count(a => !sentAliases.Contains(a));
        if (sentAliases.Count + defaultedLeftOut != expected.Count || missing.Count > 0)
        {
            throw ServingException.InvalidArgument(
                $"input size does not match signature: {sentAliases.Count}!={expected.Count} " +
                $"len({{{Join(sentAliases)}}}) != len({{{Join(expected.Keys)}}}). " +
                $"Sent extra: {{{string.Join(",", extra)}}}. Missing but required: {{{string.Join(",", missing)}}}.");
        }

        if (extra.Count > 0)
        {
            throw ServingException.InvalidArgument(
                $"input tensor alias not found in signature: {extra[0]}. Inputs expected to be in the set {{{Join(expected.Keys)}}}.");
        }
    }

    /// <summary>The outputs to compute: the filter's aliases (checked) or, when it is empty, all of them.</summary>
    public static IReadOnlyList<string> ResolveOutputs(Signature signature, IReadOnlyCollection<string>? outputFilter)
    {
        if (outputFilter is null || outputFilter.Count == 0)
        {
            return signature.Outputs.Select(o => o.Key).ToList();
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var alias in outputFilter)
        {
            if (!signature.OutputsByAlias.ContainsKey(alias))
            {
                throw ServingException.InvalidArgument(
                    $"output tensor alias not found in signature: {alias} Outputs expected to be in the set {{{Join(signature.OutputsByAlias.Keys)}}}.");
            }

            if (!seen.Add(alias))
            {
                throw ServingException.InvalidArgument($"duplicate output tensor alias: {alias}");
            }
        }

        return outputFilter.ToList();
    }

    private static string Join(IEnumerable<string> names) => string.Join(",", names.Order(StringComparer.Ordinal));
}
