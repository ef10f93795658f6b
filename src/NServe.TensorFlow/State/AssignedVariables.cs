using NServe.TensorFlow.Graph;
using NServe.TensorFlow.SavedModel;
using NServe.TensorFlow.Variables;
using Tensorflow;

namespace NServe.TensorFlow.State;

/// <summary>
/// Finds the TF1 (reference) variables that a model's signatures write with <c>Assign</c>, <c>AssignAdd</c> or
/// <c>AssignSub</c>. Those variables cannot be frozen into the converted graphs: every signature that reads one
/// must see the value the last update left (TF Serving's counter model), so they become host-held state.
/// </summary>
public static class AssignedVariables
{
    /// <summary>The op types that write a reference variable in place.</summary>
    public static IReadOnlySet<string> UpdateOpTypes { get; } = new HashSet<string>(["Assign", "AssignAdd", "AssignSub"], StringComparer.Ordinal);

    /// <summary>
    /// The names of the variable nodes written by an update op that some tensor-fetching signature runs (its
    /// fetches reach the op through data edges, stopping at the signature's inputs). Empty for most models.
    /// </summary>
    public static IReadOnlySet<string> Find(SavedModelBundle bundle)
    {
        var assigned = new HashSet<string>(StringComparer.Ordinal);
        if (!bundle.Nodes.Values.Any(n => UpdateOpTypes.Contains(n.Op)))
        {
            return assigned;
        }

        foreach (var (_, definition) in bundle.SignatureDefs)
        {
            if (!SavedModelBundle.FetchesTensors(definition))
            {
                continue;
            }

            var fed = definition.Inputs.Values
                .Where(i => i.EncodingCase == TensorInfo.EncodingOneofCase.Name)
                .Select(i => TensorName.Parse(i.Name).ToTensorString())
                .ToHashSet(StringComparer.Ordinal);
            var fetches = definition.Outputs.Values.Select(o => TensorName.Parse(o.Name).ToTensorString());
            List<string> needed;
            try
            {
                needed = GraphPruner.Needed(bundle.Nodes, fetches, fed);
            }
            catch (GraphPreparationException)
            {
                continue; // Preparing the signature reports this itself, with its context.
            }

            foreach (var name in needed)
            {
                var node = bundle.Nodes[name];
                if (UpdateOpTypes.Contains(node.Op) && TargetOf(node, bundle.Nodes) is { } variable && VariableOps.IsVariable(bundle.Nodes[variable].Op))
                {
                    assigned.Add(variable);
                }
            }
        }

        return assigned;
    }

    /// <summary>The variable node an update op writes (its ref input, seen through identities), or null.</summary>
    public static string? TargetOf(NodeDef update, IReadOnlyDictionary<string, NodeDef> nodes)
    {
        if (update.Input.Count < 2)
        {
            return null;
        }

        var name = TensorName.Parse(update.Input[0]).Node;
        for (var hops = 0; hops < 64 && nodes.TryGetValue(name, out var producer); hops++)
        {
            if (VariableOps.IsVariable(producer.Op) || producer.Op == "Const")
            {
                // A prepared graph holds the variable as a Const of the same name.
                return producer.Name;
            }

            if (producer.Op is not ("Identity" or "RefIdentity") || producer.Input.Count == 0)
            {
                return null;
            }

            name = TensorName.Parse(producer.Input[0]).Node;
        }

        return null;
    }
}
