using NServe.Core.Errors;
using NServe.Core.Tensors;

namespace NServe.TensorFlow.HostKernels;

/// <summary>
/// The host half of a signature whose examples are parsed in C#: checks a request's inputs against the
/// signature's own aliases (so errors name those, not the converted graph's feeds), parses the serialized
/// inputs, and gives the converted graph's inputs: the request's other inputs plus the parsed tensors.
/// </summary>
public sealed class ExampleParsingStage
{
    private readonly IReadOnlyList<ParsedExampleFeed> _parses;
    private readonly HashSet<string> _signatureAliases;
    private readonly HashSet<string> _graphAliases;

    /// <param name="parses">The host-run ParseExample nodes of the signature.</param>
    /// <param name="signatureAliases">The SignatureDef's input aliases (what a request must send).</param>
    /// <param name="graphAliases">The converted graph's feed aliases (what it must be given).</param>
    public ExampleParsingStage(IReadOnlyList<ParsedExampleFeed> parses, IEnumerable<string> signatureAliases, IEnumerable<string> graphAliases)
    {
        _parses = parses;
        _signatureAliases = new HashSet<string>(signatureAliases, StringComparer.Ordinal);
        _graphAliases = new HashSet<string>(graphAliases, StringComparer.Ordinal);
    }

    /// <summary>
    /// The graph's inputs for a request. Parsed tensors are added to <paramref name="owned"/>, which the caller
    /// disposes after the run (also when this throws).
    /// </summary>
    public Dictionary<string, Tensor> Apply(IReadOnlyDictionary<string, Tensor> inputs, List<Tensor> owned)
    {
        CheckInputSet(inputs);
        var graphInputs = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (alias, tensor) in inputs)
        {
            if (_graphAliases.Contains(alias))
            {
                graphInputs[alias] = tensor;
            }
        }

        foreach (var parse in _parses)
        {
            var parsed = parse.Kernel.Run(inputs[parse.InputAlias]);
            owned.AddRange(parsed);
            for (var j = 0; j < parsed.Length; j++)
            {
                graphInputs[parse.OutputAliases[j]] = parsed[j];
            }
        }

        return graphInputs;
    }

    /// <summary>TensorFlow Serving's check that a request sends exactly the signature's inputs, in its words.</summary>
    private void CheckInputSet(IReadOnlyDictionary<string, Tensor> inputs)
    {
        var matches = inputs.Count == _signatureAliases.Count;
        if (matches)
        {
            foreach (var alias in inputs.Keys)
            {
                matches &= _signatureAliases.Contains(alias);
            }
        }

        if (matches)
        {
            return;
        }

        var sent = new SortedSet<string>(inputs.Keys, StringComparer.Ordinal);
        var expected = new SortedSet<string>(_signatureAliases, StringComparer.Ordinal);
        throw ServingException.InvalidArgument(
            $"input size does not match signature: {sent.Count}!={expected.Count} len({{{string.Join(",", sent)}}}) != len({{{string.Join(",", expected)}}}). " +
            $"Sent extra: {{{string.Join(",", sent.Where(a => !expected.Contains(a)))}}}. " +
            $"Missing but required: {{{string.Join(",", expected.Where(a => !sent.Contains(a)))}}}.");
    }
}
