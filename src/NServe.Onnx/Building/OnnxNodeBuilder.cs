using System.Text;
using Google.Protobuf;
using Onnx;
using AttributeType = Onnx.AttributeProto.Types.AttributeType;

namespace NServe.Onnx.Building;

/// <summary>Adds attributes to a node that <see cref="OnnxGraphBuilder.AddNode"/> placed in a graph.</summary>
public sealed class OnnxNodeBuilder
{
    internal OnnxNodeBuilder(NodeProto node)
    {
        Node = node;
    }

    public NodeProto Node { get; }

    /// <summary>The node's first output, for chaining nodes.</summary>
    public string Output => Node.Output[0];

    public OnnxNodeBuilder Attribute(string name, long value)
        => Add(new AttributeProto { Name = name, Type = AttributeType.Int, I = value });

    public OnnxNodeBuilder Attribute(string name, float value)
        => Add(new AttributeProto { Name = name, Type = AttributeType.Float, F = value });

    public OnnxNodeBuilder Attribute(string name, string value)
        => Add(new AttributeProto { Name = name, Type = AttributeType.String, S = ByteString.CopyFromUtf8(value) });

    public OnnxNodeBuilder Attribute(string name, byte[] value)
        => Add(new AttributeProto { Name = name, Type = AttributeType.String, S = ByteString.CopyFrom(value) });

    public OnnxNodeBuilder Attribute(string name, IEnumerable<long> values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return Add(attribute);
    }

    public OnnxNodeBuilder Attribute(string name, IEnumerable<float> values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeType.Floats };
        attribute.Floats.AddRange(values);
        return Add(attribute);
    }

    public OnnxNodeBuilder Attribute(string name, IEnumerable<string> values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeType.Strings };
        attribute.Strings.AddRange(values.Select(v => ByteString.CopyFrom(Encoding.UTF8.GetBytes(v))));
        return Add(attribute);
    }

    public OnnxNodeBuilder Attribute(string name, TensorProto value)
        => Add(new AttributeProto { Name = name, Type = AttributeType.Tensor, T = value });

    /// <summary>A subgraph attribute (the bodies of If, Loop, Scan).</summary>
    public OnnxNodeBuilder Attribute(string name, GraphProto value)
        => Add(new AttributeProto { Name = name, Type = AttributeType.Graph, G = value });

    private OnnxNodeBuilder Add(AttributeProto attribute)
    {
        ArgumentException.ThrowIfNullOrEmpty(attribute.Name);
        if (Node.Attribute.Any(a => a.Name == attribute.Name))
        {
            throw new InvalidOperationException($"node '{Node.Name}' already has attribute '{attribute.Name}'");
        }

        Node.Attribute.Add(attribute);
        return this;
    }
}
