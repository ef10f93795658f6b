using Tensorflow;

namespace NServe.TensorFlow.Graph;

/// <summary>
/// Orders nodes so every input (data or control) comes before its consumer, keeping the given order where the
/// edges leave a choice, so the result is deterministic.
/// </summary>
internal static class TopologicalSorter
{
    /// <exception cref="GraphPreparationException">The nodes form a cycle (a TF1 while loop, which NServe does not convert).</exception>
    public static List<NodeDef> Sort(IReadOnlyList<NodeDef> nodes, IReadOnlySet<string> fedTensors)
    {
        var index = new Dictionary<string, int>(nodes.Count, StringComparer.Ordinal);
        for (var i = 0; i < nodes.Count; i++)
        {
            index[nodes[i].Name] = i;
        }

        var pending = new int[nodes.Count];
        var consumers = new List<int>?[nodes.Count];
        for (var i = 0; i < nodes.Count; i++)
        {
            foreach (var input in nodes[i].Input)
            {
                var name = TensorName.Parse(input);
                if ((!name.IsControl && fedTensors.Contains(name.ToTensorString())) || !index.TryGetValue(name.Node, out var producer))
                {
                    continue; // fed, or produced outside these nodes: no ordering constraint
                }

                pending[i]++;
                (consumers[producer] ??= []).Add(i);
            }
        }

        // A min-heap on the original position keeps the original order among ready nodes.
        var ready = new PriorityQueue<int, int>();
        for (var i = 0; i < nodes.Count; i++)
        {
            if (pending[i] == 0)
            {
                ready.Enqueue(i, i);
            }
        }

        var sorted = new List<NodeDef>(nodes.Count);
        while (ready.TryDequeue(out var i, out _))
        {
            sorted.Add(nodes[i]);
            foreach (var consumer in consumers[i] ?? [])
            {
                if (--pending[consumer] == 0)
                {
                    ready.Enqueue(consumer, consumer);
                }
            }
        }

        if (sorted.Count != nodes.Count)
        {
            var stuck = nodes.Where((_, i) => pending[i] > 0).Take(3).Select(n => $"'{n.Name}' ({n.Op})");
            throw new GraphPreparationException(
                $"the graph has a cycle through {string.Join(", ", stuck)}; TF1 while loops (NextIteration) are not supported");
        }

        return sorted;
    }
}
