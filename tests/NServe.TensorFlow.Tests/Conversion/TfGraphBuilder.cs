using Google.Protobuf;
using NServe.Core.Tensors;
using NServe.TensorFlow.Graph;
using Tensorflow;

namespace NServe.TensorFlow.Tests.Conversion;

/// <summary>
/// Builds a small TensorFlow GraphDef by hand (nodes in topological order) and the <see cref="PreparedGraph"/>
/// the converter takes. Placeholders declare their shape; that declared shape is what the signature states.
/// </summary>
internal sealed class TfGraphBuilder
{
    private readonly List<NodeDef> _nodes = [];
    private readonly Dictionary<string, FunctionDef> _functions = new(StringComparer.Ordinal);

    public IReadOnlyList<NodeDef> Nodes => _nodes;

    public string Placeholder(string name, TensorDataType type, long[]? shape)
    {
        var node = Add(name, "Placeholder", [], Attr.Type("dtype", (DataType)type));
        node.Attr["shape"] = new AttrValue { Shape = Attr.Shape(shape) };
        return name;
    }

    public string Const(string name, TestTensor value)
    {
        Add(name, "Const", [], Attr.Type("dtype", (DataType)value.Type)).Attr["value"] = new AttrValue { Tensor = ToProto(value) };
        return name;
    }

    public string Op(string opType, string name, IReadOnlyList<string> inputs, params (string Name, AttrValue Value)[] attrs)
    {
        Add(name, opType, inputs, attrs);
        return name;
    }

    public void Function(FunctionDef function) => _functions[function.Signature.Name] = function;

    public GraphDef ToGraphDef()
    {
        var graph = new GraphDef { Versions = new VersionDef { Producer = 1 } };
        graph.Node.AddRange(_nodes.Select(n => n.Clone()));
        if (_functions.Count > 0)
        {
            graph.Library = new FunctionDefLibrary();
            graph.Library.Function.AddRange(_functions.Values);
        }

        return graph;
    }

    /// <summary>The converter's input: fed tensors become graph inputs (with the placeholder's declared shape), fetches outputs.</summary>
    public PreparedGraph Prepare(IReadOnlyDictionary<string, TestTensor> feeds, IReadOnlyList<string> fetches)
    {
        var byName = _nodes.ToDictionary(n => n.Name);
        GraphEndpoint Feed(string tensor, TestTensor value)
        {
            var node = byName[tensor.Split(':')[0]];
            var shape = node.Op == "Placeholder" && node.Attr.TryGetValue("shape", out var s) && !s.Shape.UnknownRank
                ? s.Shape.Dim.Select(d => d.Size).ToArray()
                : null;
            return new GraphEndpoint(tensor, tensor, value.Type, shape);
        }

        return new PreparedGraph
        {
            Nodes = _nodes.Select(n => n.Clone()).ToList(),
            Feeds = feeds.Select(f => Feed(f.Key, f.Value)).ToList(),
            Fetches = fetches.Select(f => new GraphEndpoint(f, f, TensorDataType.Invalid, null)).ToList(),
            Functions = _functions,
        };
    }

    public static Tensorflow.TensorProto ToProto(TestTensor value)
    {
        var proto = new Tensorflow.TensorProto { Dtype = (DataType)value.Type, TensorShape = Attr.Shape(value.Shape) };
        switch (value.Type)
        {
            case TensorDataType.Float:
                proto.FloatVal.AddRange(value.Numbers.Select(v => (float)v));
                break;
            case TensorDataType.Double:
                proto.DoubleVal.AddRange(value.Numbers);
                break;
            case TensorDataType.Int64:
                proto.Int64Val.AddRange(value.Numbers.Select(v => (long)v));
                break;
            case TensorDataType.Bool:
                proto.BoolVal.AddRange(value.Numbers.Select(v => v != 0));
                break;
            case TensorDataType.String:
                proto.StringVal.AddRange(value.Strings!.Select(ByteString.CopyFromUtf8));
                break;
            default:
                proto.IntVal.AddRange(value.Numbers.Select(v => (int)v));
                break;
        }

        return proto;
    }

    private NodeDef Add(string name, string op, IReadOnlyList<string> inputs, params (string Name, AttrValue Value)[] attrs)
    {
        var node = new NodeDef { Name = name, Op = op };
        node.Input.AddRange(inputs);
        foreach (var (key, value) in attrs)
        {
            node.Attr[key] = value;
        }

        _nodes.Add(node);
        return node;
    }
}
