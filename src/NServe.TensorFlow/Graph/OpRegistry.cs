using NServe.Core.Config.TextFormat;
using Tensorflow;

namespace NServe.TensorFlow.Graph;

/// <summary>
/// TensorFlow's op definitions (the OpList of TF's op registry, embedded as <c>tf_ops.pbtxt</c>): each op's
/// input and output argument layout and its attributes with their defaults. Parsed once per process, on first
/// use; read-only afterwards and safe to share between threads.
/// </summary>
public sealed class OpRegistry
{
    private const string ResourceName = "NServe.TensorFlow.Graph.tf_ops.pbtxt";

    private static readonly Lazy<OpRegistry> Registry = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly Dictionary<string, OpDef> _ops;

    public OpRegistry(IEnumerable<OpDef> ops)
    {
        _ops = new Dictionary<string, OpDef>(StringComparer.Ordinal);
        foreach (var op in ops)
        {
            _ops[op.Name] = op;
        }
    }

    /// <summary>The registry of the TensorFlow release the embedded op list was taken from.</summary>
    public static OpRegistry Default => Registry.Value;

    public int Count => _ops.Count;

    public bool TryGet(string opType, out OpDef op) => _ops.TryGetValue(opType, out op!);

    /// <summary>Adds to <paramref name="node"/> every attribute its op defines with a default and the node lacks.</summary>
    /// <returns>False when the op is unknown (a custom op); the node is left as it is.</returns>
    public bool FillDefaultAttrs(NodeDef node) => FillDefaultAttrs(node.Op, node.Attr);

    /// <summary>As <see cref="FillDefaultAttrs(NodeDef)"/>, for an attribute map of a node of type <paramref name="opType"/>.</summary>
    public bool FillDefaultAttrs(string opType, Google.Protobuf.Collections.MapField<string, AttrValue> attrs)
    {
        if (!_ops.TryGetValue(opType, out var op))
        {
            return false;
        }

        foreach (var attr in op.Attr)
        {
            if (attr.DefaultValue is not null && !attrs.ContainsKey(attr.Name))
            {
                attrs[attr.Name] = attr.DefaultValue.Clone();
            }
        }

        return true;
    }

    private static OpRegistry Load()
    {
        using var stream = typeof(OpRegistry).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"embedded resource {ResourceName} is missing from {typeof(OpRegistry).Assembly.GetName().Name}");
        using var reader = new StreamReader(stream);
        var list = TextFormatParser.Parse<OpList>(reader.ReadToEnd());
        return new OpRegistry(list.Op);
    }
}
