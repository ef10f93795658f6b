using NServe.Core.Tensors;
using NServe.TensorFlow.Graph;
using Tensorflow;

namespace NServe.TensorFlow.Variables;

/// <summary>
/// Finds which checkpoint tensor each graph variable is restored from by reading the graph's own restore
/// step: the saver's restore op (TF1 <c>save/restore_all</c>; TF2 a StatefulPartitionedCall of
/// <c>__inference__traced_restore_*</c>), with function calls inlined, holds <c>Assign</c> /
/// <c>AssignVariableOp</c> nodes whose value is output i of a <c>RestoreV2</c>, whose <c>tensor_names[i]</c> and
/// <c>shape_and_slices[i]</c> give the key and slice. TF2 variables (VarHandleOp <c>a</c> restored from
/// <c>a/.ATTRIBUTES/VARIABLE_VALUE</c>) and TF1 partitioned variables (<c>x/part_0</c> from a slice of
/// <c>x</c>) are both covered.
/// </summary>
internal static class RestoreGraphMapping
{
    private const int MaxCallDepth = 32;

    /// <summary>Checkpoint slots by graph variable node name; variables the restore step does not assign are absent.</summary>
    public static Dictionary<string, CheckpointSlot> Find(
        IReadOnlyDictionary<string, NodeDef> graph,
        FunctionLibrary library,
        SaverDef? saver)
    {
        var roots = new List<string>();
        if (saver is { RestoreOpName.Length: > 0 } && graph.ContainsKey(TensorName.NodeOf(saver.RestoreOpName)))
        {
            roots.Add(TensorName.NodeOf(saver.RestoreOpName));
        }
        else
        {
            // No saver: any assignment in the graph may be a restore.
            roots.AddRange(graph.Values.Where(n => VariableOps.IsAssign(n.Op) || library.TryGetCall(n, out _, out _)).Select(n => n.Name));
        }

        var working = Closure(graph, roots);
        var none = new HashSet<string>(StringComparer.Ordinal);
        for (var depth = 0; ; depth++)
        {
            var calls = working.Values.Where(n => library.TryGetCall(n, out _, out _)).Select(n => n.Name).ToList();
            if (calls.Count == 0)
            {
                break;
            }

            if (depth == MaxCallDepth)
            {
                throw new GraphPreparationException($"the restore step nests function calls deeper than {MaxCallDepth} levels");
            }

            FunctionInliner.Inline(working, calls, library, none);
        }

        var slots = new Dictionary<string, CheckpointSlot>(StringComparer.Ordinal);
        foreach (var node in working.Values)
        {
            if (!VariableOps.IsAssign(node.Op) || node.Input.Count < 2)
            {
                continue;
            }

            var variable = Trace(working, graph, node.Input[0]);
            if (variable is null || !VariableOps.IsVariable(variable.Value.Node.Op))
            {
                continue;
            }

            var value = Trace(working, graph, node.Input[1]);
            if (value is not { Node.Op: "RestoreV2" } restored || restored.Node.Input.Count < 3)
            {
                continue;
            }

            var names = ConstStrings(working, graph, restored.Node.Input[1]);
            var slices = ConstStrings(working, graph, restored.Node.Input[2]);
            if (names is null || restored.Index >= names.Length)
            {
                continue;
            }

            var slice = slices is not null && restored.Index < slices.Length ? slices[restored.Index] : "";
            slots[variable.Value.Node.Name] = new CheckpointSlot(names[restored.Index], slice);
        }

        return slots;
    }

    private static OrderedDictionary<string, NodeDef> Closure(IReadOnlyDictionary<string, NodeDef> graph, List<string> roots)
    {
        var seen = new HashSet<string>(roots, StringComparer.Ordinal);
        var stack = new Stack<string>(roots);
        while (stack.Count > 0)
        {
            foreach (var input in graph[stack.Pop()].Input)
            {
                var name = TensorName.NodeOf(input);
                if (graph.ContainsKey(name) && seen.Add(name))
                {
                    stack.Push(name);
                }
            }
        }

        var closure = new OrderedDictionary<string, NodeDef>(StringComparer.Ordinal);
        foreach (var (name, node) in graph)
        {
            if (seen.Contains(name))
            {
                closure.Add(name, node);
            }
        }

        return closure;
    }

    /// <summary>The node (and output) a tensor comes from, looking through pass-through ops.</summary>
    private static (NodeDef Node, int Index)? Trace(
        IReadOnlyDictionary<string, NodeDef> working,
        IReadOnlyDictionary<string, NodeDef> graph,
        string tensor)
    {
        for (var hops = 0; hops < 64; hops++)
        {
            var name = TensorName.Parse(tensor);
            if (name.IsControl || !(working.TryGetValue(name.Node, out var node) || graph.TryGetValue(name.Node, out node)))
            {
                return null;
            }

            if (!VariableOps.IsPassThrough(node.Op) || node.Input.Count == 0)
            {
                return (node, name.Index);
            }

            tensor = node.Input[0];
        }

        return null;
    }

    private static string[]? ConstStrings(
        IReadOnlyDictionary<string, NodeDef> working,
        IReadOnlyDictionary<string, NodeDef> graph,
        string tensor)
    {
        if (Trace(working, graph, tensor) is not { Node.Op: "Const" } constant
            || !constant.Node.Attr.TryGetValue("value", out var value) || value.Tensor is not { Dtype: DataType.DtString } proto)
        {
            return null;
        }

        using var decoded = TensorProtoConverter.ToTensor(proto);
        return decoded.Strings.Select(s => System.Text.Encoding.UTF8.GetString(s)).ToArray();
    }
}
