using System.Runtime.CompilerServices;
using NServe.Core.Errors;
using NServe.Core.Servables;

namespace NServe.Core.Inference;

/// <summary>
/// TF Serving's checks of a predict request against its signature (predict_util.cc), with its messages,
/// shared by every wire protocol.
/// </summary>
public static class PredictValidation
{
    // Every output alias of a signature, in its order: what a request without an output filter computes.
    // Built once per signature: a new list per request would be garbage on the request path.
    private static readonly ConditionalWeakTable<Signature, string[]> AllOutputs = new();

    /// <summary>Every sent alias must be an input of the signature, and every input without a default must be sent.</summary>
    public static void CheckInputs(Signature signature, IReadOnlyCollection<string> sentAliases)
    {
        if (!InputsMatch(signature, sentAliases))
        {
            ThrowInputMismatch(signature, sentAliases);
        }
    }

    /// <summary>The outputs to compute: the filter's aliases (checked) or, when it is empty, all of them.</summary>
    public static IReadOnlyList<string> ResolveOutputs(Signature signature, IReadOnlyCollection<string>? outputFilter)
    {
        if (outputFilter is null || outputFilter.Count == 0)
        {
            return AllOutputs.GetValue(signature, static s => [.. s.Outputs.Select(o => o.Key)]);
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

    /// <summary>
    /// The accepting case of <see cref="ThrowInputMismatch"/> without allocating: no extra alias, no missing
    /// required one, and the sent plus the defaulted-but-unsent inputs add up to the signature's.
    /// </summary>
    private static bool InputsMatch(Signature signature, IReadOnlyCollection<string> sentAliases)
    {
        var expected = signature.InputsByAlias;
        foreach (var alias in sentAliases)
        {
            if (!expected.ContainsKey(alias))
            {
                return false;
            }
        }

        var sentCount = sentAliases.Count;
        if (sentCount == expected.Count && signature.DefaultedInputs.Count == 0)
        {
            // Every sent alias is expected and the counts agree, so every expected alias was sent.
            return true;
        }

        foreach (var input in signature.Inputs)
        {
            if (!sentAliases.Contains(input.Key) && !signature.DefaultedInputs.Contains(input.Key))
            {
                return false;
            }
        }

        var defaultedLeftOut = 0;
        foreach (var alias in signature.DefaultedInputs)
        {
            if (!sentAliases.Contains(alias))
            {
                defaultedLeftOut++;
            }
        }

        return sentCount + defaultedLeftOut == expected.Count;
    }

    private static void ThrowInputMismatch(Signature signature, IReadOnlyCollection<string> sentAliases)
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

    private static string Join(IEnumerable<string> names) => string.Join(",", names.Order(StringComparer.Ordinal));
}
