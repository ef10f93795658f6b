using System.Runtime.InteropServices;
using Google.Protobuf;
using Tensorflow;

namespace NServe.Bench.LoadTimes;

/// <summary>
/// Writes a SavedModel (TF1 style, weights as Consts) whose signatures all multiply by one [width, width]
/// float matrix and then apply a different activation each: the case where per-signature sessions each held
/// a copy of the same weight. The test data's multi-signature models hold only a few bytes of weights.
/// </summary>
public static class SharedWeightModelWriter
{
    private static readonly string[] Activations = ["Identity", "Relu", "Sigmoid", "Tanh", "Softplus", "Elu", "Selu", "Softsign"];

    public static void Write(string directory, int width, int signatures)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(signatures, Activations.Length);
        var random = new Random(7);
        var weights = new float[width * width];
        for (var i = 0; i < weights.Length; i++)
        {
            weights[i] = (float)(random.NextDouble() - 0.5);
        }

        var graph = new GraphDef { Versions = new VersionDef { Producer = 1 } };
        graph.Node.Add(Node("x", "Placeholder", [], ("dtype", new AttrValue { Type = DataType.DtFloat }), ("shape", new AttrValue { Shape = Shape(-1, width) })));
        var value = new TensorProto { Dtype = DataType.DtFloat, TensorShape = Shape(width, width), TensorContent = ByteString.CopyFrom(MemoryMarshal.AsBytes(weights.AsSpan())) };
        graph.Node.Add(Node("W", "Const", [], ("dtype", new AttrValue { Type = DataType.DtFloat }), ("value", new AttrValue { Tensor = value })));
        graph.Node.Add(Node("h", "MatMul", ["x", "W"], ("T", new AttrValue { Type = DataType.DtFloat })));

        var metaGraph = new MetaGraphDef { MetaInfoDef = new MetaGraphDef.Types.MetaInfoDef(), GraphDef = graph };
        metaGraph.MetaInfoDef.Tags.Add("serve");
        for (var s = 0; s < signatures; s++)
        {
            var output = $"y{s}";
            graph.Node.Add(Node(output, Activations[s], ["h"], ("T", new AttrValue { Type = DataType.DtFloat })));
            var signature = new SignatureDef { MethodName = "tensorflow/serving/predict" };
            signature.Inputs["x"] = new TensorInfo { Name = "x:0", Dtype = DataType.DtFloat, TensorShape = Shape(-1, width) };
            signature.Outputs["y"] = new TensorInfo { Name = output + ":0", Dtype = DataType.DtFloat, TensorShape = Shape(-1, width) };
            metaGraph.SignatureDef[s == 0 ? "serving_default" : Activations[s].ToLowerInvariant()] = signature;
        }

        var model = new SavedModel { SavedModelSchemaVersion = 1 };
        model.MetaGraphs.Add(metaGraph);
        Directory.CreateDirectory(directory);
        File.WriteAllBytes(Path.Combine(directory, "saved_model.pb"), model.ToByteArray());
    }

    private static NodeDef Node(string name, string op, string[] inputs, params (string Key, AttrValue Value)[] attrs)
    {
        var node = new NodeDef { Name = name, Op = op };
        node.Input.AddRange(inputs);
        foreach (var (key, attr) in attrs)
        {
            node.Attr[key] = attr;
        }

        return node;
    }

    private static TensorShapeProto Shape(params long[] dims)
    {
        var shape = new TensorShapeProto();
        shape.Dim.AddRange(dims.Select(d => new TensorShapeProto.Types.Dim { Size = d }));
        return shape;
    }
}
