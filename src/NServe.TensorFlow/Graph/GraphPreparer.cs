using Google.Protobuf;
using NServe.Core.Tensors;
using NServe.TensorFlow.Variables;
using Tensorflow;

namespace NServe.TensorFlow.Graph;

/// <summary>
/// Builds the <see cref="PreparedGraph"/> of one signature from a model's graph: prunes to the fetches (stopping
/// at fed tensors), inlines the function calls left (level by level, pruning again after each, so a function's
/// unused captures drop out), replaces variables by Consts of their checkpoint values and asset tensors by
/// Consts of their absolute paths, and sorts the nodes topologically. The model's graph is never modified.
/// </summary>
public sealed class GraphPreparer
{
    private const int MaxCallDepth = 64;

    private readonly IReadOnlyDictionary<string, NodeDef> _graph;
    private readonly FunctionLibrary _library;
    private readonly VariableStore _variables;
    private readonly IReadOnlyDictionary<string, string> _assetPaths;

    /// <param name="graph">The graph's nodes by name, default attributes filled.</param>
    /// <param name="library">Its function library (bodies with default attributes filled).</param>
    /// <param name="variables">The variable values.</param>
    /// <param name="assetPaths">Asset tensors (<c>node:0</c>) and the absolute paths they stand for.</param>
    public GraphPreparer(
        IReadOnlyDictionary<string, NodeDef> graph,
        FunctionLibrary library,
        VariableStore variables,
        IReadOnlyDictionary<string, string> assetPaths)
    {
        _graph = graph;
        _library = library;
        _variables = variables;
        _assetPaths = assetPaths;
    }

    /// <summary>The graph computing <paramref name="fetches"/> from <paramref name="feeds"/>.</summary>
    /// <exception cref="GraphPreparationException">A tensor names no node, a function cannot be inlined, or the graph has a cycle.</exception>
    /// <exception cref="Checkpoint.CheckpointException">A needed variable cannot be read (the message names the file).</exception>
    public PreparedGraph Prepare(IReadOnlyList<GraphEndpoint> feeds, IReadOnlyList<GraphEndpoint> fetches)
    {
        var fed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var feed in feeds)
        {
            var name = TensorName.Parse(feed.TensorName);
            if (!_graph.ContainsKey(name.Node))
            {
                throw new GraphPreparationException($"input '{feed.Alias}' names tensor '{feed.TensorName}', but the graph has no node '{name.Node}'");
            }

            fed.Add(name.ToTensorString());
        }

        var fetchTensors = fetches.Select(f => TensorName.Parse(f.TensorName).ToTensorString()).ToList();
        var working = GraphPruner.Restrict(_graph, GraphPruner.Needed(_graph, fetchTensors, fed));
        for (var depth = 0; ; depth++)
        {
            var calls = working.Values.Where(n => _library.TryGetCall(n, out _, out _)).Select(n => n.Name).ToList();
            if (calls.Count == 0)
            {
                break;
            }

            if (depth == MaxCallDepth)
            {
                throw new GraphPreparationException($"function calls nest deeper than {MaxCallDepth} levels (through '{calls[0]}')");
            }

            var outputs = FunctionInliner.Inline(working, calls, _library, fed);
            fetchTensors = fetchTensors.Select(t => TensorName.Parse(FunctionInliner.Resolve(t, outputs, fed)).ToTensorString()).ToList();
            working = GraphPruner.Restrict(working, GraphPruner.Needed(working, fetchTensors, fed));
        }

        var nodes = new List<NodeDef>(working.Count);
        foreach (var node in working.Values)
        {
            nodes.Add(Substitute(node));
        }

        return new PreparedGraph
        {
            Nodes = TopologicalSorter.Sort(nodes, fed),
            Feeds = feeds.Select(f => f with { TensorName = TensorName.Parse(f.TensorName).ToTensorString() }).ToList(),
            Fetches = fetches.Select((f, i) => f with { TensorName = fetchTensors[i] }).ToList(),
            Functions = ReferencedFunctions(nodes),
        };
    }

    private NodeDef Substitute(NodeDef node)
    {
        if (VariableOps.IsVariable(node.Op))
        {
            return _variables.ConstantFor(node);
        }

        if (_assetPaths.TryGetValue(node.Name + ":0", out var path))
        {
            // TF feeds asset tensors the asset's absolute path when it loads the model.
            var value = new TensorProto { Dtype = DataType.DtString, TensorShape = new TensorShapeProto() };
            value.StringVal.Add(ByteString.CopyFromUtf8(path));
            var constant = new NodeDef { Name = node.Name, Op = "Const", Device = node.Device };
            constant.Attr["dtype"] = new AttrValue { Type = DataType.DtString };
            constant.Attr["value"] = new AttrValue { Tensor = value };
            return constant;
        }

        return node;
    }

    /// <summary>The library functions the nodes refer to through attributes (While/If bodies), transitively.</summary>
    private Dictionary<string, FunctionDef> ReferencedFunctions(IEnumerable<NodeDef> nodes)
    {
        var found = new Dictionary<string, FunctionDef>(StringComparer.Ordinal);
        var pending = new Stack<string>();
        void Visit(IEnumerable<NodeDef> scope)
        {
            foreach (var node in scope)
            {
                if (_library.TryGetFunction(node.Op, out _))
                {
                    pending.Push(node.Op);
                }

                foreach (var attr in node.Attr.Values)
                {
                    if (attr.Func is { } func)
                    {
                        pending.Push(func.Name);
                    }

                    if (attr.List is { } list)
                    {
                        foreach (var item in list.Func)
                        {
                            pending.Push(item.Name);
                        }
                    }
                }
            }
        }

        Visit(nodes);
        while (pending.Count > 0)
        {
            var name = pending.Pop();
            if (!found.ContainsKey(name) && _library.TryGetFunction(name, out var function))
            {
                found[name] = function;
                Visit(function.NodeDef);
            }
        }

        return found;
    }
}
