using Google.Protobuf;
using NServe.Core.Tensors;
using Tensorflow;

namespace NServe.Core.Tests.Protos;

/// <summary>saved_model.pb files written by real TensorFlow parse into our tensorflow.SavedModel as models.md describes.</summary>
public sealed class SavedModelInteropTests
{
    private const string Predict = "tensorflow/serving/predict";
    private const string Classify = "tensorflow/serving/classify";
    private const string Regress = "tensorflow/serving/regress";

    [TestDataFact]
    public void HalfPlusTwoCpuHasTheDocumentedMetaGraphAndSignatures()
    {
        var model = Load("tfserving", "saved_model_half_plus_two_cpu", "00000123", "saved_model.pb");

        Assert.Equal(1, model.SavedModelSchemaVersion);
        var metaGraph = Assert.Single(model.MetaGraphs);
        Assert.Equal(["serve"], metaGraph.MetaInfoDef.Tags);
        Assert.Equal("1.14.0", metaGraph.MetaInfoDef.TensorflowVersion);
        Assert.Equal(149, metaGraph.GraphDef.Versions.Producer);
        Assert.Equal(
            ["classify_x_to_y", "regress_x2_to_y3", "regress_x_to_y", "regress_x_to_y2", "serving_default"],
            metaGraph.SignatureDef.Keys.Order(StringComparer.Ordinal));

        var serving = metaGraph.SignatureDef["serving_default"];
        Assert.Equal(Predict, serving.MethodName);
        AssertTensorInfo(serving.Inputs["x"], "x:0", DataType.DtFloat, [-1, 1]);
        AssertTensorInfo(serving.Outputs["y"], "y:0", DataType.DtFloat, [-1, 1]);

        var classify = metaGraph.SignatureDef["classify_x_to_y"];
        Assert.Equal(Classify, classify.MethodName);
        AssertTensorInfo(classify.Inputs["inputs"], "tf_example:0", DataType.DtString, null);
        AssertTensorInfo(classify.Outputs["scores"], "y:0", DataType.DtFloat, [-1, 1]);

        Assert.Equal(Regress, metaGraph.SignatureDef["regress_x_to_y2"].MethodName);
        AssertTensorInfo(metaGraph.SignatureDef["regress_x_to_y2"].Outputs["outputs"], "y2:0", DataType.DtFloat, [-1, 1]);
        AssertTensorInfo(metaGraph.SignatureDef["regress_x2_to_y3"].Inputs["inputs"], "x2:0", DataType.DtFloat, [-1, 1]);
        AssertTensorInfo(metaGraph.SignatureDef["regress_x2_to_y3"].Outputs["outputs"], "y3:0", DataType.DtFloat, [-1, 1]);

        Assert.Equal("save/Const:0", metaGraph.SaverDef.FilenameTensorName);
        Assert.Equal("save/restore_all", metaGraph.SaverDef.RestoreOpName);
        Assert.Equal(SaverDef.Types.CheckpointFormatVersion.V2, metaGraph.SaverDef.Version);

        var asset = Assert.Single(metaGraph.CollectionDef["saved_model_assets"].AnyList.Value).Unpack<AssetFileDef>();
        Assert.Equal("foo.txt", asset.Filename);
        Assert.Equal("Const:0", asset.TensorInfo.Name);

        var parseExample = Assert.Single(metaGraph.GraphDef.Node, n => n.Op == "ParseExample");
        Assert.Equal(2, parseExample.Attr["Ndense"].I);
        Assert.All(parseExample.Attr["dense_shapes"].List.Shape, shape => Assert.Equal([1L], TensorProtoShape.ToDims(shape)));
        Assert.Equal([DataType.DtFloat, DataType.DtFloat], parseExample.Attr["Tdense"].List.Type);
        var y = Assert.Single(metaGraph.GraphDef.Node, n => n.Name == "y");
        Assert.Equal("Identity", y.Op);
        var sum = Assert.Single(metaGraph.GraphDef.Node, n => n.Name == Assert.Single(y.Input));
        Assert.Equal("Add", sum.Op);
        Assert.Contains(sum.Input, input => metaGraph.GraphDef.Node.Single(n => n.Name == input).Op == "Mul");
    }

    [TestDataFact]
    public void HalfPlusTwoTf2HasObjectGraphFunctionsAndSignatureDefaults()
    {
        var model = Load("tfserving", "saved_model_half_plus_two_tf2_cpu", "00000123", "saved_model.pb");

        var metaGraph = Assert.Single(model.MetaGraphs);
        Assert.Equal("2.14.0", metaGraph.MetaInfoDef.TensorflowVersion);
        Assert.Equal(1569, metaGraph.GraphDef.Versions.Producer);
        Assert.Equal(12, metaGraph.GraphDef.Versions.MinConsumer);
        Assert.Equal(7, metaGraph.SignatureDef.Count);
        Assert.Contains("__saved_model_init_op", metaGraph.SignatureDef.Keys);
        Assert.All(
            metaGraph.SignatureDef.Where(s => s.Key != "__saved_model_init_op"),
            s => Assert.Equal(Predict, s.Value.MethodName));
        Assert.NotEmpty(metaGraph.GraphDef.Library.Function);
        Assert.Contains(metaGraph.GraphDef.Node, n => n.Op == "StatefulPartitionedCall");

        Assert.NotEmpty(metaGraph.ObjectGraphDef.Nodes);
        Assert.NotEmpty(metaGraph.ObjectGraphDef.ConcreteFunctions);
        var variables = metaGraph.ObjectGraphDef.Nodes.Where(n => n.KindCase == SavedObject.KindOneofCase.Variable)
            .Select(n => n.Variable).ToList();
        Assert.Contains(variables, v => v.Name == "a" && v.Dtype == DataType.DtFloat);
        Assert.Contains(variables, v => v.Name == "b");
        Assert.Contains(variables, v => v.Name == "c");

        // SignatureDef.defaults (field 4): x defaults to [0.0], written as float_val by TensorFlow.
        var defaultX = metaGraph.SignatureDef["serving_default"].Defaults["x"];
        using var tensor = TensorProtoConverter.ToTensor(defaultX);
        Assert.Equal(TensorDataType.Float, tensor.DataType);
        Assert.Equal([1L], tensor.Shape);
        Assert.Equal([0f], tensor.AsSpan<float>().ToArray());
    }

    [TestDataTheory]
    [MemberData(nameof(SavedModelFiles))]
    public void EverySavedModelParsesWithNoUnknownFieldAndRoundTrips(string relativePath)
    {
        var bytes = File.ReadAllBytes(ProtoTestData.Path(relativePath));

        var model = SavedModel.Parser.ParseFrom(bytes);
        var withoutUnknown = SavedModel.Parser.WithDiscardUnknownFields(true).ParseFrom(bytes);

        Assert.NotEmpty(model.MetaGraphs);
        Assert.All(model.MetaGraphs, m => Assert.NotNull(m.GraphDef));
        // Message equality covers unknown fields: equal means every field TensorFlow wrote is in our .proto files.
        Assert.Equal(model, withoutUnknown);
        // Not byte-equal: C++ writes default map keys (e.g. arg_attr key 0) that C# omits; the content is the same.
        Assert.Equal(model, SavedModel.Parser.ParseFrom(model.ToByteArray()));
    }

    public static TheoryData<string> SavedModelFiles() => ProtoTestData.SavedModelFiles();

    private static SavedModel Load(params string[] parts) =>
        SavedModel.Parser.ParseFrom(File.ReadAllBytes(ProtoTestData.Path(parts)));

    private static void AssertTensorInfo(TensorInfo info, string name, DataType dtype, long[]? dims)
    {
        Assert.Equal(TensorInfo.EncodingOneofCase.Name, info.EncodingCase);
        Assert.Equal(name, info.Name);
        Assert.Equal(dtype, info.Dtype);
        Assert.Equal(dims, TensorProtoShape.ToPartialDims(info.TensorShape));
    }
}
