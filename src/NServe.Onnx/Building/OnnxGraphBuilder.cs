using Onnx;
using OnnxDataType = Onnx.TensorProto.Types.DataType;

namespace NServe.Onnx.Building;

/// <summary>
/// Builds an ONNX <see cref="GraphProto"/>: typed inputs and outputs, constant initializers and nodes.
/// Tracks every value name it has seen so <see cref="FreshName"/> can hand out unused ones, which graph
/// rewriters (the TensorFlow converter) need when one source op becomes several ONNX nodes.
/// </summary>
public sealed class OnnxGraphBuilder
{
    private readonly GraphProto _graph;
    private readonly HashSet<string> _valueNames = new(StringComparer.Ordinal);
    private readonly HashSet<string> _nodeNames = new(StringComparer.Ordinal);

    public OnnxGraphBuilder(string name = "graph")
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        _graph = new GraphProto { Name = name };
    }

    public string Name => _graph.Name;

    /// <summary>Declares a graph input; a null shape is unknown rank.</summary>
    public OnnxGraphBuilder AddInput(string name, OnnxDataType elementType, IReadOnlyList<OnnxDim>? shape)
    {
        _graph.Input.Add(ValueInfo(name, elementType, shape));
        Claim(name);
        return this;
    }

    /// <summary>Declares a graph output, which some node (or an input or initializer) must produce.</summary>
    public OnnxGraphBuilder AddOutput(string name, OnnxDataType elementType, IReadOnlyList<OnnxDim>? shape)
    {
        _graph.Output.Add(ValueInfo(name, elementType, shape));
        return this;
    }

    /// <summary>Records the type and shape of an intermediate value (optional in ONNX; helps readers).</summary>
    public OnnxGraphBuilder AddValueInfo(string name, OnnxDataType elementType, IReadOnlyList<OnnxDim>? shape)
    {
        _graph.ValueInfo.Add(ValueInfo(name, elementType, shape));
        return this;
    }

    /// <summary>Adds a constant (see <see cref="OnnxTensors"/>) and returns its name.</summary>
    public string AddInitializer(TensorProto tensor)
    {
        ArgumentException.ThrowIfNullOrEmpty(tensor.Name);
        Claim(tensor.Name);
        _graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    /// <summary>Adds a numeric constant and returns its name.</summary>
    public string AddInitializer<T>(string name, ReadOnlySpan<long> dims, ReadOnlySpan<T> values)
        where T : unmanaged
        => AddInitializer(OnnxTensors.Create(name, dims, values));

    /// <summary>
    /// Appends a node. Nodes must be added in topological order (ONNX requires it). An empty input name
    /// marks an omitted optional input. The node is named after its first output unless named here.
    /// </summary>
    public OnnxNodeBuilder AddNode(
        string opType,
        IReadOnlyList<string> inputs,
        IReadOnlyList<string> outputs,
        string? name = null,
        string domain = "")
    {
        ArgumentException.ThrowIfNullOrEmpty(opType);
        if (outputs.Count == 0)
        {
            throw new ArgumentException($"a {opType} node needs at least one output", nameof(outputs));
        }

        var nodeName = name ?? outputs[0];
        if (!_nodeNames.Add(nodeName))
        {
            throw new InvalidOperationException($"the graph already has a node named '{nodeName}'");
        }

        var node = new NodeProto { OpType = opType, Name = nodeName };
        if (domain.Length > 0)
        {
            node.Domain = domain;
        }

        node.Input.AddRange(inputs);
        foreach (var output in outputs)
        {
            if (output.Length > 0)
            {
                Claim(output);
            }

            node.Output.Add(output);
        }

        _graph.Node.Add(node);
        return new OnnxNodeBuilder(node);
    }

    /// <summary>A value name starting with <paramref name="prefix"/> that nothing in the graph uses yet.</summary>
    public string FreshName(string prefix)
    {
        if (!_valueNames.Contains(prefix))
        {
            return prefix;
        }

        for (var i = 1; ; i++)
        {
            var candidate = $"{prefix}_{i}";
            if (!_valueNames.Contains(candidate))
            {
                return candidate;
            }
        }
    }

    /// <summary>True when an input, initializer or node output already has <paramref name="name"/>.</summary>
    public bool HasValue(string name) => _valueNames.Contains(name);

    /// <summary>The graph built so far (a copy, so the builder may go on).</summary>
    public GraphProto Build()
    {
        foreach (var output in _graph.Output)
        {
            if (!_valueNames.Contains(output.Name))
            {
                throw new InvalidOperationException($"graph output '{output.Name}' is produced by nothing in graph '{Name}'");
            }
        }

        return _graph.Clone();
    }

    internal static ValueInfoProto ValueInfo(string name, OnnxDataType elementType, IReadOnlyList<OnnxDim>? shape)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (elementType == OnnxDataType.Undefined)
        {
            throw new ArgumentException($"value '{name}' needs an element type", nameof(elementType));
        }

        var tensorType = new TypeProto.Types.Tensor { ElemType = (int)elementType };
        if (shape is not null)
        {
            var shapeProto = new TensorShapeProto();
            foreach (var dim in shape)
            {
                var dimension = new TensorShapeProto.Types.Dimension();
                if (dim.Value is { } value)
                {
                    dimension.DimValue = value;
                }
                else if (dim.Symbol is { } symbol)
                {
                    dimension.DimParam = symbol;
                }

                shapeProto.Dim.Add(dimension);
            }

            tensorType.Shape = shapeProto;
        }

        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = tensorType } };
    }

    private void Claim(string name)
    {
        if (!_valueNames.Add(name))
        {
            throw new InvalidOperationException($"value '{name}' is already defined in graph '{Name}'");
        }
    }
}
