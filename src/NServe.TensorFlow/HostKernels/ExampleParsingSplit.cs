using NServe.Core.Errors;
using NServe.Core.Tensors;
using NServe.TensorFlow.Graph;
using Tensorflow;

namespace NServe.TensorFlow.HostKernels;

/// <summary>
/// Takes ParseExample / ParseExampleV2 out of a prepared signature graph when they parse a signature input
/// (directly or through Identity): ONNX has no op that reads protocol buffers, so the host parses the
/// examples (<see cref="ParseExampleKernel"/>) and the converted graph is fed the parsed dense tensors
/// instead. The node's keys and defaults must be constants, read once here. A ParseExample fed by a computed
/// tensor is left in the graph, where the converter reports it as unsupported.
/// </summary>
public static class ExampleParsingSplit
{
    /// <summary>Prefix of the feed aliases of parsed tensors; it cannot clash with a SignatureDef alias users send.</summary>
    public const string ParsedAliasPrefix = "\u0001parsed:";

    /// <summary>The op types run on the host when they parse a signature input.</summary>
    public static IReadOnlySet<string> OpTypes { get; } = new HashSet<string>(["ParseExample", "ParseExampleV2"], StringComparer.Ordinal);

    /// <summary>
    /// The graph with host-parsed examples as feeds, and those parses; <paramref name="graph"/> itself when it
    /// has none. A fed serialized input stays a feed only if something else in the graph still reads it.
    /// </summary>
    /// <exception cref="ServingException">A ParseExample the host cannot run (sparse or ragged outputs in use, computed keys or defaults); the message names the node.</exception>
    public static (PreparedGraph Graph, IReadOnlyList<ParsedExampleFeed> Parses) Apply(PreparedGraph graph, string signatureKey)
    {
        var byName = graph.Nodes.ToDictionary(n => n.Name, StringComparer.Ordinal);
        var feedsByTensor = graph.Feeds.GroupBy(f => f.TensorName).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var parses = new List<ParsedExampleFeed>();
        var parsedFeeds = new List<GraphEndpoint>();
        var fed = new HashSet<string>(feedsByTensor.Keys, StringComparer.Ordinal);
        foreach (var node in graph.Nodes)
        {
            if (!OpTypes.Contains(node.Op) || node.Input.Count == 0
                || FedSource(node.Input[0], byName, fed) is not { } source)
            {
                continue;
            }

            var (kernel, firstDense) = KernelFor(node, byName, graph, signatureKey);
            var aliases = new List<string>(kernel.Dense.Count);
            for (var j = 0; j < kernel.Dense.Count; j++)
            {
                var feature = kernel.Dense[j];
                var tensor = $"{node.Name}:{firstDense + j}";
                var alias = ParsedAliasPrefix + tensor;
                aliases.Add(alias);
                parsedFeeds.Add(new GraphEndpoint(alias, tensor, feature.DataType, null));
                fed.Add(tensor);
            }

            parses.Add(new ParsedExampleFeed(feedsByTensor[source].Alias, kernel, aliases));
        }

        if (parses.Count == 0)
        {
            return (graph, parses);
        }

        var needed = new HashSet<string>(GraphPruner.Needed(byName, graph.Fetches.Select(f => f.TensorName), fed), StringComparer.Ordinal);
        var nodes = graph.Nodes.Where(n => needed.Contains(n.Name)).ToList();
        var read = new HashSet<string>(graph.Fetches.Select(f => f.TensorName), StringComparer.Ordinal);
        foreach (var node in nodes)
        {
            foreach (var input in node.Input)
            {
                var name = TensorName.Parse(input);
                if (!name.IsControl)
                {
                    read.Add(name.ToTensorString());
                }
            }
        }

        // Serialized inputs only the host reads are no longer graph inputs; other feeds all stay (the request still carries them).
        var parsedInputs = parses.Select(p => p.InputAlias).ToHashSet(StringComparer.Ordinal);
        var feeds = graph.Feeds.Where(f => !parsedInputs.Contains(f.Alias) || read.Contains(f.TensorName)).Concat(parsedFeeds).ToList();
        return (new PreparedGraph { Nodes = nodes, Feeds = feeds, Fetches = graph.Fetches, Functions = graph.Functions }, parses);
    }

    /// <summary>The fed tensor <paramref name="input"/> is, looking through Identity nodes; null when it is computed.</summary>
    private static string? FedSource(string input, Dictionary<string, NodeDef> byName, HashSet<string> fed)
    {
        var tensor = TensorName.Parse(input);
        for (var hops = 0; hops < 64; hops++)
        {
            if (fed.Contains(tensor.ToTensorString()))
            {
                return tensor.ToTensorString();
            }

            if (!byName.TryGetValue(tensor.Node, out var producer) || producer.Op is not ("Identity" or "Snapshot") || producer.Input.Count == 0)
            {
                return null;
            }

            tensor = TensorName.Parse(producer.Input[0]);
        }

        return null;
    }

    private static (ParseExampleKernel Kernel, int FirstDense) KernelFor(
        NodeDef node, Dictionary<string, NodeDef> byName, PreparedGraph graph, string signatureKey)
    {
        string Where() => $"signature '{signatureKey}': {node.Op} node '{node.Name}'";
        var v2 = node.Op == "ParseExampleV2";
        var sparseCount = (int)node.Attr[v2 ? "num_sparse" : "Nsparse"].I;
        var types = node.Attr["Tdense"].List.Type;
        var shapes = node.Attr["dense_shapes"].List.Shape;
        var raggedCount = v2 ? node.Attr["ragged_value_types"].List.Type.Count : 0;
        var firstDense = 3 * sparseCount;

        // Sparse outputs come before the dense ones and ragged ones after: only unused ones are acceptable.
        var consumed = ConsumedOutputs(node.Name, graph);
        var hostOnly = consumed.Where(i => i < firstDense || i >= firstDense + types.Count).ToList();
        if (hostOnly.Count > 0)
        {
            throw new ServingException(
                StatusCode.Unimplemented,
                $"{Where()} has sparse or ragged features in use (output {hostOnly[0]}); NServe parses dense (fixed-length) features only");
        }

        string[] keys;
        int defaultsStart;
        if (v2)
        {
            keys = StringsOf(node.Input[3], byName, Where);
            defaultsStart = 5;
        }
        else
        {
            var denseStart = 2 + sparseCount;
            keys = Enumerable.Range(denseStart, types.Count).SelectMany(i => StringsOf(node.Input[i], byName, Where)).ToArray();
            defaultsStart = denseStart + types.Count;
        }

        if (keys.Length != types.Count || shapes.Count != types.Count || node.Input.Count < defaultsStart + types.Count)
        {
            throw new ServingException(StatusCode.InvalidArgument, $"{Where()} has {keys.Length} dense keys for {types.Count} dense types and {shapes.Count} shapes");
        }

        var features = new List<DenseFeature>(types.Count);
        for (var j = 0; j < types.Count; j++)
        {
            var shape = shapes[j];
            if (shape.UnknownRank || shape.Dim.Any(d => d.Size < 0))
            {
                throw new ServingException(
                    StatusCode.Unimplemented,
                    $"{Where()}: dense feature '{keys[j]}' has a variable-length shape; NServe parses fixed-length features only");
            }

            var dataType = SavedModel.SignatureSpecs.ToDataType(types[j]);
            var dims = shape.Dim.Select(d => d.Size).ToArray();
            var value = DefaultOf(node.Input[defaultsStart + j], byName, Where);
            features.Add(new DenseFeature(keys[j], dataType, dims, value));
        }

        try
        {
            return (new ParseExampleKernel(node.Name, features), firstDense);
        }
        catch (ArgumentException e)
        {
            throw new ServingException(StatusCode.InvalidArgument, $"{Where()}: {e.Message}");
        }
    }

    private static HashSet<int> ConsumedOutputs(string nodeName, PreparedGraph graph)
    {
        var used = new HashSet<int>();
        foreach (var tensor in graph.Nodes.SelectMany(n => n.Input).Concat(graph.Fetches.Select(f => f.TensorName)))
        {
            var name = TensorName.Parse(tensor);
            if (!name.IsControl && name.Node == nodeName)
            {
                used.Add(name.Index);
            }
        }

        return used;
    }

    private static string[] StringsOf(string input, Dictionary<string, NodeDef> byName, Func<string> where)
    {
        using var value = ConstantOf(input, byName, where);
        if (!value.IsString)
        {
            throw new ServingException(StatusCode.InvalidArgument, $"{where()}: its keys input '{input}' is not a string tensor");
        }

        return value.Strings.Select(s => System.Text.Encoding.UTF8.GetString(s)).ToArray();
    }

    /// <summary>A default's flat values, or null for an empty (required) default.</summary>
    private static Array? DefaultOf(string input, Dictionary<string, NodeDef> byName, Func<string> where)
    {
        using var value = ConstantOf(input, byName, where);
        if (value.ElementCount == 0)
        {
            return null;
        }

        return value.DataType switch
        {
            TensorDataType.Float => value.AsSpan<float>().ToArray(),
            TensorDataType.Int64 => value.AsSpan<long>().ToArray(),
            TensorDataType.String => value.Strings.ToArray(),
            _ => throw new ServingException(StatusCode.InvalidArgument, $"{where()}: default '{input}' has dtype {TensorDataTypes.TfName(value.DataType)}"),
        };
    }

    /// <summary>
    /// The value of a key or default input: a Const, seen through Identity, and through Reshape/ExpandDims
    /// (which keep the values; the kernel checks the count against the dense shape).
    /// </summary>
    private static Tensor ConstantOf(string input, Dictionary<string, NodeDef> byName, Func<string> where)
    {
        var tensor = TensorName.Parse(input);
        for (var hops = 0; hops < 64 && byName.TryGetValue(tensor.Node, out var producer); hops++)
        {
            switch (producer.Op)
            {
                case "Const" when producer.Attr.TryGetValue("value", out var attr) && attr.Tensor is { } proto:
                    return TensorProtoConverter.ToTensor(proto);
                case "Identity" or "Snapshot" or "Reshape" or "ExpandDims" or "Squeeze" when producer.Input.Count > 0:
                    tensor = TensorName.Parse(producer.Input[0]);
                    continue;
            }

            break;
        }

        throw new ServingException(
            StatusCode.Unimplemented, $"{where()}: input '{input}' is not a constant; NServe reads ParseExample keys and defaults when the model loads");
    }
}
