using Google.Protobuf;
using Tensorflow;

namespace NServe.TensorFlow.Tests.Graph;

/// <summary>Small hand-written graphs, functions and SavedModels for graph preparation tests.</summary>
internal static class TestGraphs
{
    public static NodeDef Node(string name, string op, params string[] inputs)
    {
        var node = new NodeDef { Name = name, Op = op };
        node.Input.AddRange(inputs);
        return node;
    }

    public static NodeDef With(this NodeDef node, string attr, AttrValue value)
    {
        node.Attr[attr] = value;
        return node;
    }

    public static NodeDef WithType(this NodeDef node, string attr = "T", DataType type = DataType.DtFloat) =>
        node.With(attr, new AttrValue { Type = type });

    public static NodeDef Placeholder(string name, DataType type = DataType.DtFloat) => Node(name, "Placeholder").WithType("dtype", type);

    public static NodeDef FloatConst(string name, params float[] values)
    {
        var tensor = new TensorProto { Dtype = DataType.DtFloat, TensorShape = Shape(values.Length == 1 ? [] : [values.Length]) };
        tensor.FloatVal.AddRange(values);
        return Node(name, "Const").WithType("dtype").With("value", new AttrValue { Tensor = tensor });
    }

    public static NodeDef StringsConst(string name, params string[] values)
    {
        var tensor = new TensorProto { Dtype = DataType.DtString, TensorShape = Shape([values.Length]) };
        tensor.StringVal.AddRange(values.Select(ByteString.CopyFromUtf8));
        return Node(name, "Const").WithType("dtype", DataType.DtString).With("value", new AttrValue { Tensor = tensor });
    }

    public static NodeDef Call(string name, string function, params string[] inputs) =>
        Node(name, "StatefulPartitionedCall", inputs).With("f", new AttrValue { Func = new NameAttrList { Name = function } });

    public static TensorShapeProto Shape(params long[] dims)
    {
        var shape = new TensorShapeProto();
        shape.Dim.AddRange(dims.Select(d => new TensorShapeProto.Types.Dim { Size = d }));
        return shape;
    }

    public static FunctionDef Function(string name, string[] inputs, string[] outputs, IEnumerable<NodeDef> body, params (string Output, string Tensor)[] returns)
    {
        var function = new FunctionDef { Signature = new OpDef { Name = name } };
        function.Signature.InputArg.AddRange(inputs.Select(i => new OpDef.Types.ArgDef { Name = i, Type = DataType.DtFloat }));
        function.Signature.OutputArg.AddRange(outputs.Select(o => new OpDef.Types.ArgDef { Name = o, Type = DataType.DtFloat }));
        function.NodeDef.AddRange(body);
        foreach (var (output, tensor) in returns)
        {
            function.Ret[output] = tensor;
        }

        return function;
    }

    public static TensorInfo Info(string name, DataType type = DataType.DtFloat) => new() { Name = name, Dtype = type, TensorShape = Shape(-1) };

    public static SignatureDef Signature(IEnumerable<(string Alias, string Tensor)> inputs, IEnumerable<(string Alias, string Tensor)> outputs)
    {
        var signature = new SignatureDef { MethodName = "tensorflow/serving/predict" };
        foreach (var (alias, tensor) in inputs)
        {
            signature.Inputs[alias] = Info(tensor);
        }

        foreach (var (alias, tensor) in outputs)
        {
            signature.Outputs[alias] = Info(tensor);
        }

        return signature;
    }

    /// <summary>Writes <c>saved_model.pb</c> with one MetaGraph tagged <c>serve</c>.</summary>
    public static void WriteSavedModel(string directory, GraphDef graph, IReadOnlyDictionary<string, SignatureDef> signatures, SaverDef? saver = null, params AssetFileDef[] assets)
    {
        var metaGraph = new MetaGraphDef { MetaInfoDef = new MetaGraphDef.Types.MetaInfoDef(), GraphDef = graph, SaverDef = saver };
        metaGraph.MetaInfoDef.Tags.Add("serve");
        metaGraph.AssetFileDef.AddRange(assets);
        foreach (var (key, signature) in signatures)
        {
            metaGraph.SignatureDef[key] = signature;
        }

        var model = new Tensorflow.SavedModel { SavedModelSchemaVersion = 1 };
        model.MetaGraphs.Add(metaGraph);
        Directory.CreateDirectory(directory);
        File.WriteAllBytes(Path.Combine(directory, "saved_model.pb"), model.ToByteArray());
    }
}
