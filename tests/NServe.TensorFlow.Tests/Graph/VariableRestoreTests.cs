using NServe.Core.Errors;
using NServe.Core.Tensors;
using NServe.TensorFlow.Checkpoint;
using NServe.TensorFlow.Graph;
using NServe.TensorFlow.SavedModel;
using NServe.TensorFlow.Tests.Checkpoint;
using Tensorflow;
using static NServe.TensorFlow.Tests.Graph.TestGraphs;

namespace NServe.TensorFlow.Tests.Graph;

/// <summary>Variables replaced by their checkpoint values, on small SavedModels written here.</summary>
public class VariableRestoreTests
{
    [Fact]
    public void PartitionedVariablesGetTheirSliceOfTheCheckpointTensor()
    {
        using var dir = new TempDirectory();
        // TF1 Estimator style: graph variables x/part_0 (rows 0-1) and x/part_1 (rows 2-3) of checkpoint tensor x [4,2].
        var graph = new GraphDef();
        graph.Node.AddRange(
        [
            Node("x/part_0", "VariableV2").WithType("dtype").With("shape", new AttrValue { Shape = Shape(2, 2) }),
            Node("x/part_1", "VariableV2").WithType("dtype").With("shape", new AttrValue { Shape = Shape(2, 2) }),
            Node("concat", "ConcatV2", "x/part_0", "x/part_1", "axis").WithType().With("N", new AttrValue { I = 2 }),
            FloatConst("axis", 0),
            Placeholder("save/Const", DataType.DtString),
            StringsConst("save/RestoreV2/tensor_names", "x", "x"),
            StringsConst("save/RestoreV2/shape_and_slices", "4 2 0,2:-", "4 2 2,2:-"),
            Node("save/RestoreV2", "RestoreV2", "save/Const", "save/RestoreV2/tensor_names", "save/RestoreV2/shape_and_slices")
                .With("dtypes", new AttrValue { List = new AttrValue.Types.ListValue { Type = { DataType.DtFloat, DataType.DtFloat } } }),
            Node("save/Assign", "Assign", "x/part_0", "save/RestoreV2").WithType(),
            Node("save/Assign_1", "Assign", "x/part_1", "save/RestoreV2:1").WithType(),
            Node("save/restore_all", "NoOp", "^save/Assign", "^save/Assign_1"),
        ]);
        WriteSavedModel(dir.Path, graph,
            new Dictionary<string, SignatureDef> { ["serving_default"] = Signature([], [("y", "concat:0")]) },
            new SaverDef { RestoreOpName = "save/restore_all", FilenameTensorName = "save/Const:0" });
        new TestBundleWriter()
            .AddFloatSlice("x", [4, 2], [(0, 2), (0, -1)], [0, 1, 2, 3])
            .AddFloatSlice("x", [4, 2], [(2, 2), (0, -1)], [4, 5, 6, 7])
            .Write(SavedModelFiles.VariablesPrefix(dir.Path));

        using var bundle = SavedModelBundle.Load(dir.Path, MetaGraphSelector.ParseTags("serve"));
        var prepared = bundle.Prepare("serving_default");

        Assert.Equal(new CheckpointSlotView("x", "4 2 2,2:-"), View(bundle.Variables.Slots["x/part_1"]));
        Assert.Equal([0f, 1, 2, 3], Values(prepared, "x/part_0", [2, 2]));
        Assert.Equal([4f, 5, 6, 7], Values(prepared, "x/part_1", [2, 2]));
    }

    [Fact]
    public void VariablesWithoutARestoreStepAreLookedUpByName()
    {
        using var dir = new TempDirectory();
        var graph = new GraphDef();
        graph.Node.AddRange([Node("w", "VarHandleOp").WithType("dtype").With("shared_name", new AttrValue { S = Google.Protobuf.ByteString.CopyFromUtf8("w_shared") }),
            Node("read", "ReadVariableOp", "w").WithType("dtype")]);
        WriteSavedModel(dir.Path, graph, new Dictionary<string, SignatureDef> { ["s"] = Signature([], [("y", "read:0")]) });
        new TestBundleWriter().AddValues("w_shared", TensorDataType.Float, [], new[] { 7f }).Write(SavedModelFiles.VariablesPrefix(dir.Path));

        using var bundle = SavedModelBundle.Load(dir.Path, MetaGraphSelector.ParseTags("serve"));

        Assert.Equal([7f], Values(bundle.Prepare("s"), "w", []));
    }

    [Fact]
    public void AVariableTheCheckpointLacksFailsNamingTheIndexFile()
    {
        using var dir = new TempDirectory();
        var graph = new GraphDef();
        graph.Node.AddRange([Node("w", "VariableV2").WithType("dtype"), Node("y", "Identity", "w").WithType()]);
        WriteSavedModel(dir.Path, graph, new Dictionary<string, SignatureDef> { ["s"] = Signature([], [("y", "y:0")]) });
        var prefix = new TestBundleWriter().AddValues("other", TensorDataType.Float, [], new[] { 1f }).Write(SavedModelFiles.VariablesPrefix(dir.Path));

        using var bundle = SavedModelBundle.Load(dir.Path, MetaGraphSelector.ParseTags("serve"));
        var error = Assert.Throws<CheckpointException>(() => bundle.Prepare("s"));

        Assert.Equal(StatusCode.NotFound, error.Code);
        Assert.Equal(prefix + ".index", error.FilePath);
        Assert.Contains(prefix + ".index", error.Message);
        Assert.Contains("'w'", error.Message);
    }

    [Fact]
    public void AVariableWithoutAnyCheckpointFailsNamingTheMissingIndex()
    {
        using var dir = new TempDirectory();
        var graph = new GraphDef();
        graph.Node.AddRange([Node("w", "VariableV2").WithType("dtype"), Node("y", "Identity", "w").WithType()]);
        WriteSavedModel(dir.Path, graph, new Dictionary<string, SignatureDef> { ["s"] = Signature([], [("y", "y:0")]) });

        using var bundle = SavedModelBundle.Load(dir.Path, MetaGraphSelector.ParseTags("serve"));
        var error = Assert.Throws<CheckpointException>(() => bundle.Prepare("s"));

        Assert.Equal(Path.Combine(dir.Path, "variables", "variables.index"), error.FilePath);
    }

    [Fact]
    public void AssetTensorsBecomeTheirAbsolutePaths()
    {
        using var dir = new TempDirectory();
        var graph = new GraphDef();
        graph.Node.AddRange([StringsConst("vocab_file", "vocab.txt"), Node("y", "Identity", "vocab_file").WithType("T", DataType.DtString)]);
        var asset = new AssetFileDef { Filename = "vocab.txt", TensorInfo = new TensorInfo { Name = "vocab_file:0", Dtype = DataType.DtString } };
        WriteSavedModel(dir.Path, graph, new Dictionary<string, SignatureDef> { ["s"] = Signature([], [("y", "y:0")]) }, null, asset);

        using var bundle = SavedModelBundle.Load(dir.Path, MetaGraphSelector.ParseTags("serve"));
        var constant = bundle.Prepare("s").Nodes.Single(n => n.Name == "vocab_file");

        using var value = TensorProtoConverter.ToTensor(constant.Attr["value"].Tensor);
        Assert.Equal(Path.Combine(dir.Path, "assets", "vocab.txt"), System.Text.Encoding.UTF8.GetString(Assert.Single(value.Strings)));
        Assert.Empty(value.Shape);
    }

    private sealed record CheckpointSlotView(string Key, string Slice);

    private static CheckpointSlotView View(NServe.TensorFlow.Variables.CheckpointSlot slot) => new(slot.Key, slot.SliceSpec);

    private static float[] Values(PreparedGraph graph, string node, long[] shape)
    {
        var constant = graph.Nodes.Single(n => n.Name == node);
        Assert.Equal("Const", constant.Op);
        using var tensor = TensorProtoConverter.ToTensor(constant.Attr["value"].Tensor);
        Assert.Equal(shape, tensor.Shape);
        return tensor.AsSpan<float>().ToArray();
    }
}
