using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using NServe.Onnx.Building;
using Onnx;
using AttributeType = Onnx.AttributeProto.Types.AttributeType;
using OnnxDataType = Onnx.TensorProto.Types.DataType;

namespace NServe.Onnx.Tests.Building;

public sealed class OnnxModelBuilderTests
{
    [Fact]
    public void SerializedModelParsesBackWithEverythingDeclared()
    {
        var model = new OnnxModelBuilder("g") { ProducerName = "tests", ProducerVersion = "1.2", DocString = "doc" };
        model.ImportOpset(18).ImportOpset(1, "com.example").AddMetadata("signature", "serving_default");
        model.Graph.AddInput("x", OnnxDataType.Float, ["batch", 3, -1]);
        model.Graph.AddInput("any", OnnxDataType.Int64, null);
        model.Graph.AddInitializer<int>("k", [2], [7, 9]);
        model.Graph.AddNode("Gather", ["x", "k"], ["picked"], name: "gather_node")
            .Attribute("axis", 1)
            .Attribute("alpha", 0.25f)
            .Attribute("mode", "text")
            .Attribute("perm", new long[] { 2, 0, 1 })
            .Attribute("scales", new float[] { 1.5f, 2f })
            .Attribute("names", new[] { "a", "b" })
            .Attribute("value", OnnxTensors.Scalar("v", 3.0))
            .Attribute("body", new OnnxGraphBuilder("sub").Build());
        model.Graph.AddOutput("picked", OnnxDataType.Float, null);

        var parsed = ModelProto.Parser.ParseFrom(model.Serialize());

        Assert.Equal(OnnxModelBuilder.DefaultIrVersion, parsed.IrVersion);
        Assert.Equal("tests", parsed.ProducerName);
        Assert.Equal("1.2", parsed.ProducerVersion);
        Assert.Equal("doc", parsed.DocString);
        Assert.Equal([("", 18L), ("com.example", 1L)], parsed.OpsetImport.Select(o => (o.Domain, o.Version)));
        Assert.Equal("serving_default", Assert.Single(parsed.MetadataProps).Value);

        var graph = parsed.Graph;
        Assert.Equal("g", graph.Name);
        var x = graph.Input[0].Type.TensorType;
        Assert.Equal((int)OnnxDataType.Float, x.ElemType);
        Assert.Equal("batch", x.Shape.Dim[0].DimParam);
        Assert.Equal(3, x.Shape.Dim[1].DimValue);
        Assert.Equal(TensorShapeProto.Types.Dimension.ValueOneofCase.None, x.Shape.Dim[2].ValueCase);
        Assert.Null(graph.Input[1].Type.TensorType.Shape);

        var k = Assert.Single(graph.Initializer);
        Assert.Equal((int)OnnxDataType.Int32, k.DataType);
        Assert.Equal([2L], k.Dims);
        Assert.Equal(new byte[] { 7, 0, 0, 0, 9, 0, 0, 0 }, k.RawData.ToByteArray());

        var node = Assert.Single(graph.Node);
        Assert.Equal("gather_node", node.Name);
        Assert.Equal(["x", "k"], node.Input);
        var attributes = node.Attribute.ToDictionary(a => a.Name);
        Assert.Equal((AttributeType.Int, 1L), (attributes["axis"].Type, attributes["axis"].I));
        Assert.Equal((AttributeType.Float, 0.25f), (attributes["alpha"].Type, attributes["alpha"].F));
        Assert.Equal((AttributeType.String, "text"), (attributes["mode"].Type, attributes["mode"].S.ToStringUtf8()));
        Assert.Equal([2L, 0, 1], attributes["perm"].Ints);
        Assert.Equal(AttributeType.Ints, attributes["perm"].Type);
        Assert.Equal([1.5f, 2f], attributes["scales"].Floats);
        Assert.Equal(["a", "b"], attributes["names"].Strings.Select(s => s.ToStringUtf8()));
        Assert.Equal((int)OnnxDataType.Double, attributes["value"].T.DataType);
        Assert.Equal(AttributeType.Graph, attributes["body"].Type);
        Assert.Equal("sub", attributes["body"].G.Name);
    }

    [Fact]
    public void DefaultOpsetIsImportedWhenNoneIsChosen()
    {
        var model = new OnnxModelBuilder();
        model.Graph.AddInput("x", OnnxDataType.Float, [1]);
        model.Graph.AddNode("Identity", ["x"], ["y"]);
        model.Graph.AddOutput("y", OnnxDataType.Float, [1]);

        var opset = Assert.Single(model.Build().OpsetImport);
        Assert.Equal(("", OnnxModelBuilder.DefaultOpsetVersion), (opset.Domain, opset.Version));
    }

    [Fact]
    public void OrtRunsAModelUsingEveryAttributeKind()
    {
        var model = new OnnxModelBuilder { ProducerName = "attribute-test" };
        model.AddMetadata("purpose", "round trip");
        var graph = model.Graph;
        graph.AddInput("x", OnnxDataType.Float, [2, 3]);
        graph.AddInput("ids", OnnxDataType.Int64, [2]);
        graph.AddInput("flag", OnnxDataType.Bool, []);

        // ints: Transpose perm; float: LeakyRelu alpha; string: Einsum equation; int: Gather axis.
        graph.AddNode("Transpose", ["x"], ["xt"]).Attribute("perm", new long[] { 1, 0 });
        graph.AddNode("LeakyRelu", ["xt"], ["leaky"]).Attribute("alpha", 0.5f);
        graph.AddNode("Einsum", ["leaky"], ["back"]).Attribute("equation", "ij->ji");
        graph.AddNode("Gather", ["back", "ids"], ["rows"]).Attribute("axis", 0);

        // tensor and floats: Constant nodes; graph: If picks one branch.
        graph.AddNode("Constant", [], ["ten"]).Attribute("value", OnnxTensors.Scalar("ten_value", 10f));
        graph.AddNode("Constant", [], ["offsets"]).Attribute("value_floats", new[] { 1f, 2f, 3f });
        graph.AddNode("If", ["flag"], ["branch"])
            .Attribute("then_branch", Branch("then", "ten"))
            .Attribute("else_branch", Branch("else", "offsets"));
        graph.AddNode("Add", ["rows", "branch"], ["y"]);
        graph.AddOutput("y", OnnxDataType.Float, [2, 3]);

        using var session = new InferenceSession(model.Serialize());
        Assert.Equal("attribute-test", session.ModelMetadata.ProducerName);
        Assert.Equal("round trip", session.ModelMetadata.CustomMetadataMap["purpose"]);

        float[] x = [1f, -2f, 3f, -4f, 5f, -6f];
        float[] Run(bool flag)
        {
            using var xValue = OrtValue.CreateTensorValueFromMemory(x, [2, 3]);
            using var ids = OrtValue.CreateTensorValueFromMemory(new long[] { 1, 0 }, [2]);
            using var flagValue = OrtValue.CreateTensorValueFromMemory(new[] { flag }, []);
            using var runOptions = new RunOptions();
            using var results = session.Run(runOptions, ["x", "ids", "flag"], [xValue, ids, flagValue], ["y"]);
            return results[0].GetTensorDataAsSpan<float>().ToArray();
        }

        // rows = LeakyRelu(x) with rows swapped: [[-2, 5, -3], [1, -1, 3]]
        Assert.Equal([8f, 15f, 7f, 11f, 9f, 13f], Run(true));
        Assert.Equal([-1f, 7f, 0f, 2f, 1f, 6f], Run(false));
    }

    [Fact]
    public void StringInitializersAndScalarsAreTyped()
    {
        var strings = OnnxTensors.CreateStrings("s", [2], ["a", "β"]);
        Assert.Equal((int)OnnxDataType.String, strings.DataType);
        Assert.Equal(["a", "β"], strings.StringData.Select(b => b.ToStringUtf8()));

        Assert.Equal((int)OnnxDataType.Float16, OnnxTensors.Scalar("h", (Half)1).DataType);
        Assert.Equal((int)OnnxDataType.Bool, OnnxTensors.Scalar("b", true).DataType);
        Assert.Equal((int)OnnxDataType.Uint64, OnnxTensors.Scalar("u", 1UL).DataType);
        Assert.Empty(OnnxTensors.Scalar("f", 1f).Dims);
    }

    [Fact]
    public void MistakesAreCaughtWhenBuilding()
    {
        var graph = new OnnxGraphBuilder();
        graph.AddInput("x", OnnxDataType.Float, [1]);
        Assert.Throws<InvalidOperationException>(() => graph.AddInitializer(OnnxTensors.Scalar("x", 1f)));
        Assert.Throws<ArgumentException>(() => OnnxTensors.Create<float>("t", [2, 2], [1f, 2f, 3f]));
        Assert.Throws<ArgumentException>(() => OnnxTensors.CreateStrings("t", [3], ["a"]));

        var node = graph.AddNode("Identity", ["x"], ["y"]).Attribute("a", 1);
        Assert.Throws<InvalidOperationException>(() => node.Attribute("a", 2));
        Assert.Throws<InvalidOperationException>(() => graph.AddNode("Identity", ["x"], ["y"]));

        graph.AddOutput("nowhere", OnnxDataType.Float, [1]);
        var error = Assert.Throws<InvalidOperationException>(() => graph.Build());
        Assert.Contains("nowhere", error.Message);
    }

    [Fact]
    public void FreshNamesAvoidEveryValueInTheGraph()
    {
        var graph = new OnnxGraphBuilder();
        graph.AddInput("x", OnnxDataType.Float, [1]);
        graph.AddInitializer(OnnxTensors.Scalar("x_1", 1f));
        graph.AddNode("Identity", ["x"], ["x_2"]);

        Assert.Equal("y", graph.FreshName("y"));
        Assert.Equal("x_3", graph.FreshName("x"));
        Assert.True(graph.HasValue("x_2"));
    }

    private static GraphProto Branch(string name, string outerValue)
    {
        // A branch body reads a value of the enclosing graph and passes it out.
        var branch = new OnnxGraphBuilder(name);
        branch.AddNode("Identity", [outerValue], [$"{name}_out"]);
        branch.AddOutput($"{name}_out", OnnxDataType.Float, null);
        return branch.Build();
    }
}
