using Google.Protobuf;
using NServe.Core.Errors;
using NServe.TensorFlow.Checkpoint;
using NServe.TensorFlow.Conversion;
using NServe.TensorFlow.Graph;
using NServe.TensorFlow.HostKernels;
using NServe.TensorFlow.SavedModel;
using Tensorflow;

namespace NServe.Fuzz.Targets;

/// <summary>
/// SavedModel → ONNX as the loader runs it, on mutated <c>saved_model.pb</c> bytes: read and select the
/// <c>serve</c> MetaGraph (<see cref="SavedModelBundle.Load"/>), then for every signature that fetches tensors
/// prepare (prune, inline, fold), split host ParseExample and convert to an ONNX model. Documented rejections:
/// <see cref="ServingException"/>, <see cref="CheckpointException"/>, <see cref="GraphPreparationException"/>,
/// <see cref="UnsupportedOpsException"/>. The ONNX bytes are not handed to ONNX Runtime.
/// </summary>
internal sealed class GraphConversionTarget : FuzzTarget
{
    private static readonly IReadOnlySet<string> ServeTags = MetaGraphSelector.ParseTags(MetaGraphSelector.DefaultTags);
    private readonly string _directory = ScratchDirectory.Create("saved-model");

    public override string Name => "graph-conversion";

    protected override void Execute(byte[] input)
    {
        File.WriteAllBytes(Path.Combine(_directory, SavedModelFiles.BinaryFileName), input);
        using var bundle = SavedModelBundle.Load(_directory, ServeTags);
        foreach (var (key, definition) in bundle.SignatureDefs)
        {
            if (!SavedModelBundle.FetchesTensors(definition))
            {
                continue;
            }

            try
            {
                var (graph, _) = ExampleParsingSplit.Apply(bundle.Prepare(key), key);
                GraphConverter.Convert(graph, key).ToByteArray();
            }
            catch (Exception e) when (IsDocumentedRejection(e))
            {
                // The loader fails the version; the other signatures are still worth converting here.
            }
        }
    }

    protected override bool IsDocumentedRejection(Exception e) =>
        e is ServingException or CheckpointException or GraphPreparationException or UnsupportedOpsException;

    public override IEnumerable<KeyValuePair<string, byte[]>> Seeds(string? testData)
    {
        yield return Seed("half-plus-two.pb", Model(
            [
                Placeholder("x", DataType.DtFloat, -1), Scalar("a", 0.5f), Scalar("b", 2f),
                Node("Mul", "mul", ["x", "a"], TypeAttr()), Node("AddV2", "y", ["mul", "b"], TypeAttr()),
            ],
            Signature(("x", "x:0", DataType.DtFloat)), Signature(("y", "y:0", DataType.DtFloat))));

        var weights = new TensorProto
        {
            Dtype = DataType.DtFloat,
            TensorShape = Shape(4, 3),
            TensorContent = ByteString.CopyFrom(Enumerable.Range(0, 12).SelectMany(i => BitConverter.GetBytes(i * 0.25f)).ToArray()),
        };
        yield return Seed("dense.pb", Model(
            [
                Placeholder("x", DataType.DtFloat, -1, 4), Const("w", weights), Scalar("bias", 0.1f),
                Node("MatMul", "mm", ["x", "w"], TypeAttr(), ("transpose_a", new AttrValue { B = false }), ("transpose_b", new AttrValue { B = false })),
                Node("AddV2", "biased", ["mm", "bias"], TypeAttr()), Node("Relu", "relu", ["biased"], TypeAttr()),
                Node("Softmax", "probs", ["relu"], TypeAttr()),
                Const("axes", new TensorProto { Dtype = DataType.DtInt32, TensorShape = Shape(1), IntVal = { 1 } }),
                Node("Mean", "mean", ["relu", "axes"], TypeAttr(), ("Tidx", new AttrValue { Type = DataType.DtInt32 }), ("keep_dims", new AttrValue { B = true })),
                Node("ConcatV2", "cat", ["probs", "mean", "axes"], TypeAttr(), ("N", new AttrValue { I = 2 }), ("Tidx", new AttrValue { Type = DataType.DtInt32 })),
                Const("perm", new TensorProto { Dtype = DataType.DtInt32, TensorShape = Shape(2), IntVal = { 1, 0 } }),
                Node("Transpose", "t", ["cat", "perm"], TypeAttr(), ("Tperm", new AttrValue { Type = DataType.DtInt32 })),
                Node("Cast", "out", ["t"], ("SrcT", new AttrValue { Type = DataType.DtFloat }), ("DstT", new AttrValue { Type = DataType.DtInt64 })),
            ],
            Signature(("x", "x:0", DataType.DtFloat)), Signature(("out", "out:0", DataType.DtInt64), ("probs", "probs:0", DataType.DtFloat))));

        var function = new FunctionDef
        {
            Signature = new OpDef
            {
                Name = "times_three",
                InputArg = { new OpDef.Types.ArgDef { Name = "v", Type = DataType.DtFloat } },
                OutputArg = { new OpDef.Types.ArgDef { Name = "out", Type = DataType.DtFloat } },
            },
            NodeDef = { Scalar("three", 3f), Node("Mul", "mul", ["v", "three:output:0"], TypeAttr()) },
            Ret = { ["out"] = "mul:z:0" },
        };
        var call = Node("StatefulPartitionedCall", "call", ["x"],
            ("Tin", new AttrValue { List = new AttrValue.Types.ListValue { Type = { DataType.DtFloat } } }),
            ("Tout", new AttrValue { List = new AttrValue.Types.ListValue { Type = { DataType.DtFloat } } }),
            ("f", new AttrValue { Func = new NameAttrList { Name = "times_three" } }));
        var model = Model([Placeholder("x", DataType.DtFloat, -1), call, Node("Identity", "y", ["call"], TypeAttr())],
            Signature(("x", "x:0", DataType.DtFloat)), Signature(("y", "y:0", DataType.DtFloat)));
        model.MetaGraphs[0].GraphDef.Library = new FunctionDefLibrary { Function = { function } };
        yield return Seed("function-call.pb", model);

        // TF-written SavedModels under 2 KB (TF1 graphs, string ops), when the shared test data is there.
        foreach (var file in testData is null ? [] : Directory.EnumerateFiles(testData, SavedModelFiles.BinaryFileName, SearchOption.AllDirectories))
        {
            if (new FileInfo(file).Length < 2048)
            {
                yield return KeyValuePair.Create(Path.GetRelativePath(testData!, file).Replace('/', '_'), File.ReadAllBytes(file));
            }
        }
    }

    private static KeyValuePair<string, byte[]> Seed(string name, Tensorflow.SavedModel model) => KeyValuePair.Create(name, model.ToByteArray());

    private static Tensorflow.SavedModel Model(NodeDef[] nodes, Dictionary<string, TensorInfo> inputs, Dictionary<string, TensorInfo> outputs)
    {
        var definition = new SignatureDef { MethodName = "tensorflow/serving/predict", Inputs = { inputs }, Outputs = { outputs } };
        var metaGraph = new MetaGraphDef
        {
            MetaInfoDef = new MetaGraphDef.Types.MetaInfoDef { Tags = { "serve" } },
            GraphDef = new GraphDef { Node = { nodes }, Versions = new VersionDef { Producer = 1645 } },
            SignatureDef = { ["serving_default"] = definition },
        };
        return new Tensorflow.SavedModel { SavedModelSchemaVersion = 1, MetaGraphs = { metaGraph } };
    }

    private static Dictionary<string, TensorInfo> Signature(params (string Alias, string Tensor, DataType Type)[] tensors) =>
        tensors.ToDictionary(t => t.Alias, t => new TensorInfo { Name = t.Tensor, Dtype = t.Type, TensorShape = new TensorShapeProto { UnknownRank = true } });

    private static NodeDef Placeholder(string name, DataType type, params long[] dims) =>
        Node("Placeholder", name, [], ("dtype", new AttrValue { Type = type }), ("shape", new AttrValue { Shape = Shape(dims) }));

    private static NodeDef Scalar(string name, float value) =>
        Const(name, new TensorProto { Dtype = DataType.DtFloat, TensorShape = new TensorShapeProto(), FloatVal = { value } });

    private static NodeDef Const(string name, TensorProto value) =>
        Node("Const", name, [], ("dtype", new AttrValue { Type = value.Dtype }), ("value", new AttrValue { Tensor = value }));

    private static (string, AttrValue) TypeAttr() => ("T", new AttrValue { Type = DataType.DtFloat });

    private static NodeDef Node(string op, string name, string[] inputs, params (string Name, AttrValue Value)[] attrs)
    {
        var node = new NodeDef { Op = op, Name = name, Input = { inputs } };
        foreach (var (key, value) in attrs)
        {
            node.Attr[key] = value;
        }

        return node;
    }

    private static TensorShapeProto Shape(params long[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var dim in dims)
        {
            shape.Dim.Add(new TensorShapeProto.Types.Dim { Size = dim });
        }

        return shape;
    }
}
