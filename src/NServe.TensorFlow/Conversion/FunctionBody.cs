using NServe.TensorFlow.Graph;
using Tensorflow;

namespace NServe.TensorFlow.Conversion;

/// <summary>
/// A FunctionDef's body in graph form: inputs rewritten from function naming (<c>node:output_arg:index</c>,
/// bare argument names) to graph naming (<c>node:flat_index</c>), nodes topologically sorted (FunctionDefs
/// do not promise an order), default attributes filled (bodies keep the defaults stripped at save time), and
/// the function's results as graph tensor names. Output argument layouts come from TensorFlow's op registry.
/// </summary>
internal sealed class FunctionBody
{
    private FunctionBody(string name, IReadOnlyList<NodeDef> nodes, IReadOnlyList<string> arguments, IReadOnlyList<string> results)
    {
        Name = name;
        Nodes = nodes;
        Arguments = arguments;
        Results = results;
    }

    public string Name { get; }

    public IReadOnlyList<NodeDef> Nodes { get; }

    /// <summary>Input argument names; the body reads argument i as tensor <c>name:0</c>.</summary>
    public IReadOnlyList<string> Arguments { get; }

    /// <summary>Each output argument's tensor (graph naming), in signature order.</summary>
    public IReadOnlyList<string> Results { get; }

    /// <summary>The index of the argument that result <paramref name="output"/> returns unchanged, or -1.</summary>
    public int PassedThroughArgument(int output)
    {
        for (var i = 0; i < Arguments.Count; i++)
        {
            if (Results[output] == Arguments[i] + ":0")
            {
                return i;
            }
        }

        return -1;
    }

    public static FunctionBody Of(FunctionDef function)
    {
        var signature = function.Signature;
        var arguments = signature.InputArg.Select(a => a.Name).ToArray();
        var registry = OpRegistry.Default;
        var originals = function.NodeDef.ToDictionary(n => n.Name, StringComparer.Ordinal);

        string Rewrite(string input)
        {
            if (GraphScope.IsControlInput(input))
            {
                return input;
            }

            var parts = input.Split(':');
            switch (parts.Length)
            {
                case 1:
                    return input + ":0"; // an argument
                case 2:
                    // "arg:0" never occurs in bodies, but a graph-style "node:1" is harmless to accept.
                    return input;
                case 3:
                    var index = int.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture);
                    if (originals.TryGetValue(parts[0], out var producer) && registry.TryGet(producer.Op, out var opDef))
                    {
                        try
                        {
                            index = OutputLayout.FlatIndex(opDef, producer, parts[1], index);
                        }
                        catch (GraphPreparationException e)
                        {
                            throw new ConversionException($"function {signature.Name}: {e.Message}");
                        }
                    }

                    return parts[0] + ":" + index.ToString(System.Globalization.CultureInfo.InvariantCulture);
                default:
                    throw new ConversionException($"function {signature.Name}: cannot read input '{input}'");
            }
        }

        var nodes = function.NodeDef.Select(n =>
        {
            var copy = n.Clone();
            registry.FillDefaultAttrs(copy);
            copy.Input.Clear();
            copy.Input.AddRange(n.Input.Select(Rewrite));
            return copy;
        }).ToArray();

        var results = signature.OutputArg
            .Select(a => function.Ret.TryGetValue(a.Name, out var tensor)
                ? Rewrite(tensor)
                : throw new ConversionException($"function {signature.Name} does not return '{a.Name}'"))
            .ToArray();
        return new FunctionBody(signature.Name, TopologicalOrder(nodes, signature.Name), arguments, results);
    }

    private static NodeDef[] TopologicalOrder(NodeDef[] nodes, string functionName)
    {
        var byName = nodes.ToDictionary(n => n.Name, StringComparer.Ordinal);
        var state = new Dictionary<string, bool>(StringComparer.Ordinal); // false: visiting, true: done
        var order = new List<NodeDef>(nodes.Length);
        foreach (var root in nodes)
        {
            if (state.ContainsKey(root.Name))
            {
                continue;
            }

            // Iterative depth-first search: bodies can be long chains.
            var stack = new Stack<(NodeDef Node, int Next)>();
            stack.Push((root, 0));
            state[root.Name] = false;
            while (stack.Count > 0)
            {
                var (node, next) = stack.Pop();
                if (next < node.Input.Count)
                {
                    stack.Push((node, next + 1));
                    var input = node.Input[next];
                    var producer = GraphScope.NodeOf(GraphScope.IsControlInput(input) ? input[1..] : GraphScope.TensorKey(input));
                    if (byName.TryGetValue(producer, out var dependency))
                    {
                        if (!state.TryGetValue(producer, out var done))
                        {
                            state[producer] = false;
                            stack.Push((dependency, 0));
                        }
                        else if (!done)
                        {
                            throw new ConversionException($"function {functionName} has a cycle through node {producer}");
                        }
                    }

                    continue;
                }

                state[node.Name] = true;
                order.Add(node);
            }
        }

        return [.. order];
    }
}
