using System.Globalization;
using NServe.Core.Tensors;
using NServe.Onnx;
using NServe.Onnx.Building;
using Tensorflow;

namespace NServe.TensorFlow.Conversion;

/// <summary>
/// One TensorFlow name space (the signature's graph, or one instance of a function body) being converted
/// into one ONNX graph (the main graph, or a Loop body). Maps TensorFlow tensor names (<c>node:index</c>)
/// to <see cref="TfValue"/>s and emits ONNX nodes.
/// </summary>
internal sealed class GraphScope
{
    private readonly Dictionary<string, TfValue> _values = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TfValueKind> _skippedNodes = new(StringComparer.Ordinal);

    public GraphScope(ConversionSession session, OnnxGraphBuilder graph, string prefix)
    {
        Session = session;
        Graph = graph;
        Prefix = prefix;
    }

    public ConversionSession Session { get; }

    /// <summary>The ONNX graph nodes go into.</summary>
    public OnnxGraphBuilder Graph { get; }

    /// <summary>Prepended to generated names, so an inlined function's values say where they come from.</summary>
    public string Prefix { get; }

    /// <summary><c>node</c> → <c>node:0</c>; <c>node:2</c> stays.</summary>
    public static string TensorKey(string input) => input.Contains(':', StringComparison.Ordinal) ? input : input + ":0";

    public static string NodeOf(string tensorKey)
    {
        var colon = tensorKey.LastIndexOf(':');
        return colon < 0 ? tensorKey : tensorKey[..colon];
    }

    public static bool IsControlInput(string input) => input.StartsWith('^');

    public void Bind(string tensorName, TfValue value) => _values[TensorKey(tensorName)] = value;

    public bool IsBound(string tensorName) => _values.ContainsKey(TensorKey(tensorName));

    public TfValue Lookup(string input)
    {
        var key = TensorKey(input);
        if (_values.TryGetValue(key, out var value))
        {
            return value;
        }

        if (_skippedNodes.TryGetValue(NodeOf(key), out var kind))
        {
            return kind == TfValueKind.Dead ? TfValue.Dead : TfValue.Failed;
        }

        throw new ConversionException($"input '{key}' has no value (its producer gave no such output)");
    }

    /// <summary>The ONNX name of a live value; a constant becomes a main-graph initializer on first use.</summary>
    public string Use(TfValue value)
    {
        if (!value.IsLive)
        {
            throw new InvalidOperationException($"a {value.Kind} value has no ONNX name");
        }

        return value.OnnxName ?? Session.Materialize(value, Prefix + (value.NameHint ?? "const"));
    }

    public string NewName(string hint) => Session.UniqueName(Prefix + hint);

    /// <summary>Adds a one-output node and returns its output name.</summary>
    public string Emit(string opType, IReadOnlyList<string> inputs, string output, Action<OnnxNodeBuilder>? configure = null)
    {
        var node = Graph.AddNode(opType, inputs, [output]);
        configure?.Invoke(node);
        return output;
    }

    /// <summary>Adds a node with several outputs (empty names for unused optional outputs).</summary>
    public void EmitMany(string opType, IReadOnlyList<string> inputs, IReadOnlyList<string> outputs, Action<OnnxNodeBuilder>? configure = null)
    {
        var node = Graph.AddNode(opType, inputs, outputs, name: NewName(opType + "_node"));
        configure?.Invoke(node);
    }

    /// <summary>A shared 1-D int64 initializer (axes, shapes, pads).</summary>
    public string Int64s(params long[] values)
        => Session.SharedConstant(
            "i64[" + string.Join(",", values.Select(v => v.ToString(CultureInfo.InvariantCulture))) + "]",
            name => OnnxTensors.Create<long>(name, [values.Length], values));

    /// <summary>A shared rank-0 int64 initializer.</summary>
    public string Int64Scalar(long value)
        => Session.SharedConstant(
            "i64_" + value.ToString(CultureInfo.InvariantCulture),
            name => OnnxTensors.Scalar(name, value));

    /// <summary>A shared rank-0 initializer of <paramref name="type"/>.</summary>
    public string Scalar(TensorDataType type, double value)
        => Session.SharedConstant(
            TensorDataTypes.TfName(type) + "_" + value.ToString("R", CultureInfo.InvariantCulture),
            name => ConstantTensor.FromDoubles(type, [], [value]).ToOnnx(name));

    /// <summary>A shared rank-0 initializer of <paramref name="type"/> holding an integer exactly.</summary>
    public string IntegerScalar(TensorDataType type, long value)
        => Session.SharedConstant(
            TensorDataTypes.TfName(type) + "_i" + value.ToString(CultureInfo.InvariantCulture),
            name => ConstantTensor.FromInt64s(type, [], [value]).ToOnnx(name));

    public string Cast(string input, TensorDataType to, string hint)
        => Emit("Cast", [input], NewName(hint), n => n.Attribute("to", OnnxElementTypes.Of(to)));

    /// <summary>The value as int64 (what ONNX wants for shapes, axes and indices), cast only when needed.</summary>
    public string AsInt64(TfValue value, string hint)
    {
        if (value.Constant is { IsString: false } constant && value.OnnxName is null && constant.ElementCount <= 1024)
        {
            var values = constant.ToInt64s();
            return constant.Shape.Length == 0 ? Int64Scalar(values[0]) : Int64sShaped(constant.Shape, values);
        }

        return value.DataType == TensorDataType.Int64 ? Use(value) : Cast(Use(value), TensorDataType.Int64, hint);
    }

    /// <summary>Converts <paramref name="nodes"/> (topologically sorted) that the <paramref name="wanted"/> tensors need.</summary>
    public void ConvertNodes(IReadOnlyList<NodeDef> nodes, IEnumerable<string> wanted)
    {
        var needed = NeededNodes(nodes, wanted);
        foreach (var node in nodes)
        {
            if (needed.Contains(node.Name))
            {
                ConvertNode(node);
            }
        }
    }

    private string Int64sShaped(long[] shape, long[] values)
        => shape.Length == 1
            ? Int64s(values)
            : Session.SharedConstant(
                "i64" + Shapes.Format(shape) + "[" + string.Join(",", values) + "]",
                name => OnnxTensors.Create<long>(name, shape, values));

    /// <summary>Walks back from the wanted tensors, stopping at tensors already bound (feeds, arguments).</summary>
    private HashSet<string> NeededNodes(IReadOnlyList<NodeDef> nodes, IEnumerable<string> wanted)
    {
        var byName = new Dictionary<string, NodeDef>(StringComparer.Ordinal);
        foreach (var node in nodes)
        {
            byName[node.Name] = node;
        }

        var needed = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>(wanted.Select(TensorKey));
        while (pending.Count > 0)
        {
            var tensor = pending.Pop();
            if (_values.ContainsKey(tensor))
            {
                continue;
            }

            var name = NodeOf(tensor);
            if (!byName.TryGetValue(name, out var node) || !needed.Add(name))
            {
                continue;
            }

            foreach (var input in node.Input)
            {
                if (!IsControlInput(input))
                {
                    pending.Push(TensorKey(input));
                }
            }
        }

        return needed;
    }

    private void ConvertNode(NodeDef node)
    {
        var registry = Session.Registry;
        var inputs = new List<TfValue>(node.Input.Count);
        var anyDead = false;
        var anyFailed = false;
        try
        {
            foreach (var input in node.Input)
            {
                if (IsControlInput(input))
                {
                    continue;
                }

                var value = Lookup(input);
                anyDead |= value.Kind == TfValueKind.Dead;
                anyFailed |= value.Kind == TfValueKind.Failed;
                inputs.Add(value);
            }
        }
        catch (ConversionException e)
        {
            Fail(node, e.Message);
            return;
        }

        // A node whose op names a library function is a direct call of it.
        var entry = registry.Find(node.Op) ?? (Session.Functions.ContainsKey(node.Op) ? FunctionCallOps.DirectCall : null);
        if (anyFailed)
        {
            // An upstream node already failed; still name this op if it is unsupported in its own right.
            if (entry is null)
            {
                Session.ReportUnsupported(node.Op, node.Name, null);
            }

            _skippedNodes[node.Name] = TfValueKind.Failed;
            return;
        }

        if (anyDead && entry is not { AcceptsDeadInputs: true })
        {
            // TensorFlow never runs a node fed by an untaken Switch branch; neither do we.
            _skippedNodes[node.Name] = TfValueKind.Dead;
            return;
        }

        if (entry is null)
        {
            Fail(node, null);
            return;
        }

        try
        {
            var context = new NodeContext(this, node, inputs);
            if (!ConstantFolding.TryFold(context))
            {
                entry.Convert(context);
            }
        }
        catch (ConversionException e)
        {
            Fail(node, e.Message);
        }
    }

    private void Fail(NodeDef node, string? reason)
    {
        Session.ReportUnsupported(node.Op, node.Name, reason);
        _skippedNodes[node.Name] = TfValueKind.Failed;
    }
}
