using System.Buffers.Binary;
using System.Diagnostics;
using NServe.Core.Config.TextFormat;
using NServe.Core.Tests.Protos;
using Tensorflow;
using Xunit.Abstractions;

namespace NServe.Core.Tests.Config;

/// <summary>Real <c>saved_model.pbtxt</c> files written by TensorFlow 1.x (the vespa models in the shared test data).</summary>
public sealed class SavedModelTextFormatTests(ITestOutputHelper output)
{
    public static TheoryData<string> TextSavedModels()
    {
        var data = new TheoryData<string>();
        if (ProtoTestData.Root is null)
        {
            return data;
        }

        foreach (string file in Directory.EnumerateFiles(ProtoTestData.Path("savedmodels"), "saved_model.pbtxt", SearchOption.AllDirectories)
                     .Select(f => Path.GetRelativePath(ProtoTestData.Root, f))
                     .Order(StringComparer.Ordinal))
        {
            data.Add(file);
        }

        return data;
    }

    [TestDataTheory]
    [MemberData(nameof(TextSavedModels))]
    public void ParsesEveryTextSavedModelWithOneServingGraph(string relativePath)
    {
        string text = File.ReadAllText(ProtoTestData.Path(relativePath));
        Stopwatch watch = Stopwatch.StartNew();
        SavedModel model = TextFormatParser.Parse<SavedModel>(text);
        output.WriteLine($"{relativePath}: {text.Length} chars in {watch.Elapsed.TotalMilliseconds:F1} ms");

        MetaGraphDef graph = Assert.Single(model.MetaGraphs);
        Assert.Equal(["serve"], graph.MetaInfoDef.Tags);
        Assert.Equal(["serving_default"], graph.SignatureDef.Keys);
        Assert.Equal("tensorflow/serving/predict", graph.SignatureDef["serving_default"].MethodName);
        Assert.True(graph.GraphDef.Node.Count > 10, $"{graph.GraphDef.Node.Count} nodes");
        Assert.NotEmpty(graph.MetaInfoDef.StrippedOpList.Op);
        Assert.Contains(graph.GraphDef.Node, n => n.Op == "Const" && n.Attr.ContainsKey("value"));
    }

    /// <summary>The C++ parser (protoc) reads each file into exactly the same message.</summary>
    [TestDataTheory]
    [MemberData(nameof(TextSavedModels))]
    public void ParsesEveryTextSavedModelAsProtocDoes(string relativePath)
    {
        if (!ProtocReference.IsAvailable)
        {
            output.WriteLine(ProtocReference.SkipReason);
            return;
        }

        string text = File.ReadAllText(ProtoTestData.Path(relativePath));
        (byte[]? binary, string? error) = ProtocReference.Encode(SavedModel.Descriptor.FullName, SavedModel.Descriptor.File.Name, text);
        Assert.Null(error);
        Assert.Equal(SavedModel.Parser.ParseFrom(binary), TextFormatParser.Parse<SavedModel>(text));
    }

    [TestDataFact]
    public void MultiMegabyteGraphParsesWithoutPerCharacterAllocations()
    {
        string one = File.ReadAllText(ProtoTestData.Path("savedmodels", "vespa__batch_norm", "saved_model.pbtxt"));
        string graphs = one.Replace("saved_model_schema_version: 1\n", string.Empty, StringComparison.Ordinal);
        string text = string.Concat(Enumerable.Repeat(graphs, 8));
        TextFormatParser.Parse<SavedModel>(one);

        long before = GC.GetAllocatedBytesForCurrentThread();
        Stopwatch watch = Stopwatch.StartNew();
        SavedModel model = TextFormatParser.Parse<SavedModel>(text);
        double milliseconds = watch.Elapsed.TotalMilliseconds;
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        output.WriteLine($"{text.Length / 1e6:F1} M chars in {milliseconds:F0} ms, {allocated / 1e6:F1} MB allocated");

        Assert.Equal(8, model.MetaGraphs.Count);
        Assert.All(model.MetaGraphs, g => Assert.Equal(model.MetaGraphs[0], g));

        // The result itself (strings, messages, maps) costs about 3.5 bytes per input character; an allocation
        // per character or per token would cost several times that.
        Assert.True(allocated < 6L * text.Length, $"{allocated} bytes allocated for {text.Length} chars");
    }

    [TestDataFact]
    public void BatchNormSignatureAndConstantsDecodeExactly()
    {
        SavedModel model = TextFormatParser.Parse<SavedModel>(File.ReadAllText(ProtoTestData.Path("savedmodels", "vespa__batch_norm", "saved_model.pbtxt")));
        MetaGraphDef graph = model.MetaGraphs[0];

        SignatureDef signature = graph.SignatureDef["serving_default"];
        TensorInfo x = signature.Inputs["x"];
        Assert.Equal("X:0", x.Name);
        Assert.Equal(DataType.DtFloat, x.Dtype);
        Assert.Equal([-1L, 784L], x.TensorShape.Dim.Select(d => d.Size));
        TensorInfo y = signature.Outputs["y"];
        Assert.Equal("dnn/batch_normalization_3/batchnorm/add_1:0", y.Name);
        Assert.Equal([-1L, 10L], y.TensorShape.Dim.Select(d => d.Size));

        // tensor_content: "\020\003\000\000,\001\000\000" is the int32 pair (784, 300), little-endian.
        NodeDef shape = graph.GraphDef.Node.Single(n => n.Name == "hidden1/kernel/Initializer/truncated_normal/shape");
        Assert.Equal("Const", shape.Op);
        Assert.Equal(["loc:@hidden1/kernel"], shape.Attr["_class"].List.S.Select(s => s.ToStringUtf8()));
        TensorProto tensor = shape.Attr["value"].Tensor;
        Assert.Equal(DataType.DtInt32, tensor.Dtype);
        Assert.Equal([2L], tensor.TensorShape.Dim.Select(d => d.Size));
        byte[] content = tensor.TensorContent.ToByteArray();
        Assert.Equal(new byte[] { 0x10, 0x03, 0x00, 0x00, 0x2C, 0x01, 0x00, 0x00 }, content);
        Assert.Equal(784, BinaryPrimitives.ReadInt32LittleEndian(content));
        Assert.Equal(300, BinaryPrimitives.ReadInt32LittleEndian(content.AsSpan(4)));

        // float_val: 0.057587556540966034 is the shortest round-trip form of a float32.
        Assert.Contains(graph.GraphDef.Node, n => n.Attr.TryGetValue("value", out AttrValue? v)
            && v.Tensor?.FloatVal.Contains(0.057587556540966034f) == true);
    }
}
