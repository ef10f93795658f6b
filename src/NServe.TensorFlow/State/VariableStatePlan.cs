using NServe.TensorFlow.Graph;
using NServe.TensorFlow.HostKernels;
using Tensorflow;

namespace NServe.TensorFlow.State;

/// <summary>
/// A model's variable state while it loads: splits each signature's graph (<see cref="VariableStateSplit"/>),
/// remembers the layouts, and at the end creates the version's <see cref="StatefulSignatures"/>.
/// </summary>
public sealed class VariableStatePlan
{
    private readonly IReadOnlySet<string> _assigned;
    private readonly Dictionary<string, StatefulGraphLayout> _layouts = new(StringComparer.Ordinal);

    /// <param name="assigned">The variables the model's signatures update (<see cref="AssignedVariables.Find"/>).</param>
    public VariableStatePlan(IReadOnlySet<string> assigned) => _assigned = assigned;

    /// <summary>The signature's graph with the updated variables as host state (itself when it touches none).</summary>
    public PreparedGraph Apply(PreparedGraph graph, string signatureKey)
    {
        var (split, layout) = VariableStateSplit.Apply(graph, signatureKey, _assigned);
        if (layout is not null)
        {
            _layouts[signatureKey] = layout;
        }

        return split;
    }

    /// <summary>
    /// The signatures that read or update variable state, sharing one <see cref="VariableState"/>; null when
    /// the model has none.
    /// </summary>
    /// <param name="signatureDefs">The model's SignatureDefs.</param>
    /// <param name="graphs">The split graph of each converted signature.</param>
    /// <param name="exampleParsing">The host ParseExample stages by signature key.</param>
    public StatefulSignatures? CreateSignatures(
        IEnumerable<KeyValuePair<string, SignatureDef>> signatureDefs,
        IEnumerable<KeyValuePair<string, PreparedGraph>> graphs,
        IReadOnlyDictionary<string, ExampleParsingStage> exampleParsing)
    {
        if (_layouts.Count == 0)
        {
            return null;
        }

        var definitions = signatureDefs.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        var state = new VariableState();
        var signatures = new Dictionary<string, StatefulSignature>(StringComparer.Ordinal);
        foreach (var (key, graph) in graphs)
        {
            if (!_layouts.TryGetValue(key, out var layout))
            {
                continue;
            }

            var definition = definitions[key];
            var inputs = exampleParsing.TryGetValue(key, out var stage)
                ? stage
                : new ExampleParsingStage([], definition.Inputs.Keys, graph.Feeds.Select(f => f.Alias));
            signatures[key] = new StatefulSignature(state, layout, inputs, definition.Outputs.Keys);
        }

        return new StatefulSignatures(state, signatures);
    }
}
