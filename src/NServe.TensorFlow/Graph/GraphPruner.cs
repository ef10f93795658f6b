using Tensorflow;

namespace NServe.TensorFlow.Graph;

/// <summary>
/// Keeps the nodes a set of fetched tensors needs, given fed tensors. Only data edges are followed: a fed
/// tensor's producer is not needed for it, and control edges (which order side effects such as saving,
/// asserting, initialising) do not change the fetched values, so nodes reached only through them are dropped,
/// and control inputs naming dropped nodes are removed.
/// </summary>
internal static class GraphPruner
{
    /// <summary>The names of the nodes the fetches need, in <paramref name="graph"/>'s order.</summary>
    /// <exception cref="GraphPreparationException">A needed input names a node the graph lacks.</exception>
    public static List<string> Needed(
        IReadOnlyDictionary<string, NodeDef> graph,
        IEnumerable<string> fetchTensors,
        IReadOnlySet<string> fedTensors)
    {
        var needed = new HashSet<string>(StringComparer.Ordinal);
        var stack = new Stack<string>();
        foreach (var fetch in fetchTensors)
        {
            var name = TensorName.Parse(fetch);
            if (fedTensors.Contains(name.ToTensorString()))
            {
                continue;
            }

            if (!graph.ContainsKey(name.Node))
            {
                throw new GraphPreparationException($"fetched tensor '{fetch}' names no node of the graph");
            }

            if (needed.Add(name.Node))
            {
                stack.Push(name.Node);
            }
        }

        while (stack.Count > 0)
        {
            var node = graph[stack.Pop()];
            foreach (var input in node.Input)
            {
                var name = TensorName.Parse(input);
                if (name.IsControl || fedTensors.Contains(name.ToTensorString()))
                {
                    continue;
                }

                if (!graph.ContainsKey(name.Node))
                {
                    throw new GraphPreparationException($"node '{node.Name}' ({node.Op}) has input '{input}', which names no node of the graph");
                }

                if (needed.Add(name.Node))
                {
                    stack.Push(name.Node);
                }
            }
        }

        return graph.Keys.Where(needed.Contains).ToList();
    }

    /// <summary>
    /// The graph restricted to <paramref name="names"/>; nodes whose control inputs name dropped nodes are
    /// cloned without those inputs (the originals stay untouched: they may be shared).
    /// </summary>
    public static OrderedDictionary<string, NodeDef> Restrict(IReadOnlyDictionary<string, NodeDef> graph, IReadOnlyCollection<string> names)
    {
        var kept = new HashSet<string>(names, StringComparer.Ordinal);
        var result = new OrderedDictionary<string, NodeDef>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            var node = graph[name];
            if (node.Input.Any(i => i.StartsWith('^') && !kept.Contains(i[1..])))
            {
                var clone = node.Clone();
                clone.Input.Clear();
                clone.Input.AddRange(node.Input.Where(i => !i.StartsWith('^') || kept.Contains(i[1..])));
                node = clone;
            }

            result.Add(name, node);
        }

        return result;
    }
}
