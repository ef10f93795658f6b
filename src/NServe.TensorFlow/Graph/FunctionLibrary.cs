using Tensorflow;

namespace NServe.TensorFlow.Graph;

/// <summary>
/// A graph's function library with the op registry: the signature (argument layout) of any node's op, whether
/// a registered op or a library function called by name, and which nodes are function calls.
/// </summary>
public sealed class FunctionLibrary
{
    private readonly Dictionary<string, FunctionDef> _functions;

    public FunctionLibrary(IEnumerable<FunctionDef> functions, OpRegistry registry)
    {
        _functions = new Dictionary<string, FunctionDef>(StringComparer.Ordinal);
        foreach (var function in functions)
        {
            // A FunctionDef without its OpDef cannot be called or inlined: the graph is malformed.
            _functions[function.Signature?.Name ?? throw new GraphPreparationException("a function in the graph's library has no signature")] = function;
        }

        Registry = registry;
    }

    public OpRegistry Registry { get; }

    public IReadOnlyDictionary<string, FunctionDef> Functions => _functions;

    public bool TryGetFunction(string name, out FunctionDef function) => _functions.TryGetValue(name, out function!);

    /// <summary>The argument layout of <paramref name="opType"/>: a registered op's OpDef, or a library function's signature.</summary>
    public OpDef? SignatureOf(string opType)
    {
        if (Registry.TryGet(opType, out var op))
        {
            return op;
        }

        return _functions.TryGetValue(opType, out var function) ? function.Signature : null;
    }

    /// <summary>
    /// The function <paramref name="node"/> calls and the attributes it is instantiated with, when the node is a
    /// PartitionedCall / StatefulPartitionedCall or names a library function as its op.
    /// </summary>
    public bool TryGetCall(NodeDef node, out FunctionDef function, out IReadOnlyDictionary<string, AttrValue> instantiation)
    {
        if (node.Op is "PartitionedCall" or "StatefulPartitionedCall")
        {
            if (node.Attr.TryGetValue("f", out var f) && f.Func is { } target)
            {
                function = _functions.TryGetValue(target.Name, out var found)
                    ? found
                    : throw new GraphPreparationException($"node '{node.Name}' ({node.Op}) calls function '{target.Name}', which the graph's library lacks");
                instantiation = target.Attr;
                return true;
            }

            throw new GraphPreparationException($"node '{node.Name}' ({node.Op}) has no function attribute 'f'");
        }

        if (!Registry.TryGet(node.Op, out _) && _functions.TryGetValue(node.Op, out var called))
        {
            function = called;
            instantiation = node.Attr;
            return true;
        }

        function = null!;
        instantiation = null!;
        return false;
    }
}
