using NServe.Core.Errors;
using NServe.Core.Tensors;
using NServe.TensorFlow.Graph;
using NServe.TensorFlow.SavedModel;
using Tensorflow;

namespace NServe.TensorFlow.State;

/// <summary>
/// Rewrites a prepared signature graph so that the variables the model updates (<see cref="AssignedVariables"/>)
/// are state held by the host rather than constants: each such variable becomes an extra graph input, fed
/// its current value; each update op becomes the value it produces (Assign → the value, AssignAdd → the sum,
/// AssignSub → the difference), so the graph's consumers of the op see TensorFlow's answer; and each update's
/// value becomes an extra output, which the host applies to the state after the run
/// (<see cref="VariableState"/>).
/// </summary>
public static class VariableStateSplit
{
    /// <summary>Prefix of the feed aliases of variable values; it cannot clash with a SignatureDef alias users send.</summary>
    public const string VariableAliasPrefix = "\u0001variable:";

    /// <summary>Prefix of the fetch aliases of update values.</summary>
    public const string UpdateAliasPrefix = "\u0001update:";

    /// <summary>
    /// The graph with <paramref name="assigned"/> variables as feeds and their updates as fetches, and its
    /// layout; <paramref name="graph"/> itself and null when it neither reads nor writes any of them.
    /// </summary>
    /// <exception cref="ServingException">The graph updates one variable twice, or updates a dtype the host cannot add.</exception>
    public static (PreparedGraph Graph, StatefulGraphLayout? Layout) Apply(PreparedGraph graph, string signatureKey, IReadOnlySet<string> assigned)
    {
        if (assigned.Count == 0)
        {
            return (graph, null);
        }

        var byName = graph.Nodes.ToDictionary(n => n.Name, StringComparer.Ordinal);
        var fedTensors = graph.Feeds.Select(f => f.TensorName).ToHashSet(StringComparer.Ordinal);
        var variables = graph.Nodes
            .Where(n => n.Op == "Const" && assigned.Contains(n.Name) && !fedTensors.Contains(n.Name + ":0"))
            .ToDictionary(n => n.Name, StringComparer.Ordinal);
        if (variables.Count == 0)
        {
            return (graph, null);
        }

        var nodes = new List<NodeDef>(graph.Nodes.Count + 2);
        var updateNodes = new List<NodeDef>();
        var writes = new List<VariableWrite>();
        var fetches = new List<GraphEndpoint>(graph.Fetches);
        var writers = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var node in graph.Nodes)
        {
            if (!AssignedVariables.UpdateOpTypes.Contains(node.Op)
                || AssignedVariables.TargetOf(node, byName) is not { } variable
                || !variables.ContainsKey(variable))
            {
                nodes.Add(node);
                continue;
            }

            if (!writers.TryAdd(variable, node.Name))
            {
                throw ServingException.Unimplemented(
                    $"signature '{signatureKey}' updates variable '{variable}' twice (nodes '{writers[variable]}' and '{node.Name}'); " +
                    "NServe applies one update per variable in a run");
            }

            var dataType = SignatureSpecs.ToDataType(node.Attr["T"].Type);
            var kind = KindOf(node);
            if (kind is VariableUpdateKind.Add or VariableUpdateKind.Subtract && !VariableState.CanAdd(dataType))
            {
                throw ServingException.Unimplemented(
                    $"signature '{signatureKey}': {node.Op} node '{node.Name}' updates a {TensorDataTypes.TfName(dataType)} variable; " +
                    "NServe adds float, double and integer variables only");
            }

            nodes.Add(ValueOf(node, kind));
            var update = new NodeDef { Name = UniqueName(node.Name + "/nserve_update", byName), Op = "Identity", Device = node.Device };
            update.Input.Add(node.Input[1]);
            update.Attr["T"] = node.Attr["T"];
            byName[update.Name] = update;
            updateNodes.Add(update);
            var alias = UpdateAliasPrefix + variable;
            writes.Add(new VariableWrite(alias, variable, kind));
            fetches.Add(new GraphEndpoint(alias, update.Name + ":0", dataType, null));
        }

        nodes.AddRange(updateNodes);

        // A variable stays a feed only where something still reads it (Assign no longer does).
        var read = new HashSet<string>(graph.Fetches.Select(f => TensorName.Parse(f.TensorName).Node), StringComparer.Ordinal);
        foreach (var input in nodes.SelectMany(n => n.Input))
        {
            var name = TensorName.Parse(input);
            if (!name.IsControl)
            {
                read.Add(name.Node);
            }
        }

        var reads = new List<VariableRead>();
        var feeds = new List<GraphEndpoint>(graph.Feeds);
        foreach (var (name, constant) in variables)
        {
            if (read.Contains(name))
            {
                var alias = VariableAliasPrefix + name;
                reads.Add(new VariableRead(alias, name, constant.Attr["value"].Tensor));
                feeds.Add(new GraphEndpoint(alias, name + ":0", SignatureSpecs.ToDataType(constant.Attr["dtype"].Type), null));
            }
        }

        nodes.RemoveAll(n => variables.ContainsKey(n.Name));
        var split = new PreparedGraph { Nodes = nodes, Feeds = feeds, Fetches = fetches, Functions = graph.Functions };
        return (split, new StatefulGraphLayout(reads, writes));
    }

    private static VariableUpdateKind KindOf(NodeDef node) => node.Op switch
    {
        "AssignAdd" => VariableUpdateKind.Add,
        "AssignSub" => VariableUpdateKind.Subtract,
        _ => node.Attr.TryGetValue("validate_shape", out var validate) && !validate.B ? VariableUpdateKind.AssignAnyShape : VariableUpdateKind.Assign,
    };

    /// <summary>The update op as the value it outputs (the variable after the update), keeping its name and control inputs.</summary>
    private static NodeDef ValueOf(NodeDef node, VariableUpdateKind kind)
    {
        var value = new NodeDef { Name = node.Name, Device = node.Device };
        value.Attr["T"] = node.Attr["T"];
        if (node.Attr.TryGetValue("_output_shapes", out var shapes))
        {
            value.Attr["_output_shapes"] = shapes;
        }

        switch (kind)
        {
            case VariableUpdateKind.Add or VariableUpdateKind.Subtract:
                value.Op = kind == VariableUpdateKind.Add ? "AddV2" : "Sub";
                value.Input.Add(node.Input[0]);
                value.Input.Add(node.Input[1]);
                break;
            default:
                value.Op = "Identity";
                value.Input.Add(node.Input[1]);
                break;
        }

        value.Input.AddRange(node.Input.Skip(2));
        return value;
    }

    private static string UniqueName(string wanted, Dictionary<string, NodeDef> byName)
    {
        var name = wanted;
        for (var i = 1; byName.ContainsKey(name); i++)
        {
            name = $"{wanted}_{i}";
        }

        return name;
    }
}
