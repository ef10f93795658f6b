using Tensorflow;

namespace NServe.TensorFlow.Graph;

/// <summary>
/// Replaces function call nodes (PartitionedCall, StatefulPartitionedCall, or a node whose op is a library
/// function) by the function's body: body node <c>n</c> of call <c>c</c> becomes <c>c/n</c>, function arguments
/// become the call's inputs, and every use of the call's output <c>c:j</c> becomes the tensor the function
/// returns for its j-th output. FunctionDef bodies name tensors <c>node:output_arg:index</c>; inlined nodes use
/// graph naming (<c>node:flat_index</c>).
/// </summary>
internal static class FunctionInliner
{
    /// <summary>
    /// Inlines the call nodes <paramref name="callNames"/> of <paramref name="graph"/> one level deep (calls inside
    /// the bodies stay calls) and rewires their consumers. Tensors in <paramref name="fedTensors"/> are not
    /// rewired: a fed tensor is an input of the prepared graph, whoever produces it.
    /// </summary>
    /// <returns>What each inlined call output (<c>call:j</c>) became, for fetches that name them.</returns>
    public static Dictionary<string, string> Inline(
        OrderedDictionary<string, NodeDef> graph,
        IReadOnlyCollection<string> callNames,
        FunctionLibrary library,
        IReadOnlySet<string> fedTensors)
    {
        var outputs = new Dictionary<string, string>(StringComparer.Ordinal);
        var removedCalls = new HashSet<string>(StringComparer.Ordinal);
        foreach (var callName in callNames)
        {
            var call = graph[callName];
            if (!library.TryGetCall(call, out var function, out var instantiation))
            {
                throw new InvalidOperationException($"node '{callName}' is not a function call");
            }

            graph.Remove(callName);
            removedCalls.Add(callName);
            InlineBody(graph, call, function, instantiation, library, outputs);
        }

        // Resolve chains (a body returning its argument, which is another inlined call's output) once.
        foreach (var key in outputs.Keys.ToList())
        {
            outputs[key] = Resolve(outputs[key], outputs, fedTensors);
        }

        foreach (var name in graph.Keys.ToList())
        {
            var node = graph[name];
            var rewritten = RewriteInputs(node, outputs, removedCalls, fedTensors);
            if (rewritten is not null)
            {
                graph[name] = rewritten;
            }
        }

        return outputs;
    }

    /// <summary>The tensor <paramref name="tensor"/> (graph naming) stands for after inlining.</summary>
    public static string Resolve(string tensor, IReadOnlyDictionary<string, string> outputs, IReadOnlySet<string> fedTensors)
    {
        for (var hops = 0; hops < 1000; hops++)
        {
            var key = TensorName.Parse(tensor).ToTensorString();
            if (fedTensors.Contains(key) || !outputs.TryGetValue(key, out var next))
            {
                return tensor;
            }

            tensor = next;
        }

        throw new GraphPreparationException($"function outputs refer to each other in a cycle through {tensor}");
    }

    private static void InlineBody(
        OrderedDictionary<string, NodeDef> graph,
        NodeDef call,
        FunctionDef function,
        IReadOnlyDictionary<string, AttrValue> instantiation,
        FunctionLibrary library,
        Dictionary<string, string> outputs)
    {
        var signature = function.Signature;
        var dataInputs = call.Input.Where(i => !i.StartsWith('^')).ToList();
        foreach (var arg in signature.InputArg.Concat(signature.OutputArg))
        {
            if (arg.NumberAttr.Length > 0 || arg.TypeListAttr.Length > 0)
            {
                throw new GraphPreparationException(
                    $"function '{signature.Name}' called by '{call.Name}' has list argument '{arg.Name}', which NServe cannot inline");
            }
        }

        if (dataInputs.Count != signature.InputArg.Count)
        {
            throw new GraphPreparationException(
                $"node '{call.Name}' passes {dataInputs.Count} inputs to function '{signature.Name}', which takes {signature.InputArg.Count}");
        }

        var arguments = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < dataInputs.Count; i++)
        {
            arguments[signature.InputArg[i].Name] = dataInputs[i];
        }

        var bodyNames = new Dictionary<string, string>(StringComparer.Ordinal);
        var bodyNodes = new Dictionary<string, NodeDef>(StringComparer.Ordinal);
        foreach (var node in function.NodeDef)
        {
            var name = call.Name + "/" + node.Name;
            for (var n = 1; graph.ContainsKey(name) || bodyNames.ContainsValue(name); n++)
            {
                name = $"{call.Name}/{node.Name}_inlined_{n}";
            }

            bodyNames[node.Name] = name;
            bodyNodes[node.Name] = node;
        }

        var references = new BodyReferences(signature.Name, call.Name, arguments, bodyNames, bodyNodes, library);
        foreach (var node in function.NodeDef)
        {
            var inlined = new NodeDef
            {
                Name = bodyNames[node.Name],
                Op = node.Op,
                Device = node.Device,
            };
            foreach (var input in node.Input)
            {
                inlined.Input.Add(references.Translate(input));
            }

            foreach (var (key, value) in node.Attr)
            {
                inlined.Attr[key] = Instantiate(value, instantiation, signature.Name, node.Name);
            }

            graph.Add(inlined.Name, inlined);
        }

        for (var j = 0; j < signature.OutputArg.Count; j++)
        {
            var arg = signature.OutputArg[j];
            if (!function.Ret.TryGetValue(arg.Name, out var returned))
            {
                throw new GraphPreparationException($"function '{signature.Name}' does not say what it returns for output '{arg.Name}'");
            }

            outputs[$"{call.Name}:{j}"] = references.Translate(returned);
        }
    }

    // Function bodies may leave attributes as placeholders for the instantiating call's attributes.
    private static AttrValue Instantiate(AttrValue value, IReadOnlyDictionary<string, AttrValue> instantiation, string function, string node)
    {
        if (value.ValueCase != AttrValue.ValueOneofCase.Placeholder)
        {
            return value;
        }

        return instantiation.TryGetValue(value.Placeholder, out var bound)
            ? bound
            : throw new GraphPreparationException(
                $"node '{node}' of function '{function}' uses attribute placeholder '{value.Placeholder}', which the call does not bind");
    }

    private static NodeDef? RewriteInputs(
        NodeDef node,
        Dictionary<string, string> outputs,
        HashSet<string> removedCalls,
        IReadOnlySet<string> fedTensors)
    {
        List<string>? inputs = null;
        for (var i = 0; i < node.Input.Count; i++)
        {
            var input = node.Input[i];
            var name = TensorName.Parse(input);
            string? replacement = null;
            var drop = false;
            if (name.IsControl)
            {
                // Control edges order side effects; they carry no value, and the called body is gone.
                drop = removedCalls.Contains(name.Node);
            }
            else if (!fedTensors.Contains(name.ToTensorString()) && outputs.TryGetValue(name.ToTensorString(), out var found))
            {
                replacement = found;
            }

            if (replacement is null && !drop)
            {
                inputs?.Add(input);
                continue;
            }

            inputs ??= [.. node.Input.Take(i)];
            if (!drop)
            {
                inputs.Add(replacement!);
            }
        }

        if (inputs is null)
        {
            return null;
        }

        var clone = node.Clone();
        clone.Input.Clear();
        clone.Input.AddRange(inputs);
        return clone;
    }

    /// <summary>Translates FunctionDef-body tensor names of one inlined call into graph names.</summary>
    private sealed class BodyReferences(
        string function,
        string call,
        Dictionary<string, string> arguments,
        Dictionary<string, string> bodyNames,
        Dictionary<string, NodeDef> bodyNodes,
        FunctionLibrary library)
    {
        public string Translate(string reference)
        {
            if (reference.StartsWith('^'))
            {
                var target = reference[1..];
                if (bodyNames.TryGetValue(target, out var inlinedName))
                {
                    return "^" + inlinedName;
                }

                if (arguments.TryGetValue(target, out var argument))
                {
                    return "^" + TensorName.NodeOf(argument);
                }

                throw Dangling(reference);
            }

            var parts = reference.Split(':');
            if (parts.Length == 1)
            {
                if (arguments.TryGetValue(reference, out var argument))
                {
                    return argument;
                }

                if (bodyNames.TryGetValue(reference, out var inlinedName))
                {
                    return inlinedName;
                }

                throw Dangling(reference);
            }

            if (!bodyNodes.TryGetValue(parts[0], out var producer))
            {
                throw Dangling(reference);
            }

            var index = 0;
            if (parts.Length > 3 || (parts.Length == 3 && !int.TryParse(parts[2], System.Globalization.NumberStyles.None, null, out index)))
            {
                throw new GraphPreparationException($"function '{function}' (called by '{call}') has a malformed tensor name '{reference}'");
            }

            var op = library.SignatureOf(producer.Op) ?? throw new GraphPreparationException(
                $"function '{function}' (called by '{call}') uses op {producer.Op} (node '{producer.Name}'), which is neither a TensorFlow op NServe knows nor a library function");
            var flat = OutputLayout.FlatIndex(op, producer, parts[1], index);
            var name = bodyNames[parts[0]];
            return flat == 0 ? name : $"{name}:{flat}";
        }

        private GraphPreparationException Dangling(string reference) =>
            new($"function '{function}' (called by '{call}') refers to '{reference}', which is neither an argument nor a node of its body");
    }
}
