using NServe.Core.Tensors;
using NServe.TensorFlow.Conversion;
using Tensorflow;
using static NServe.TensorFlow.Tests.Conversion.ElementwiseConversionTests;

namespace NServe.TensorFlow.Tests.Conversion;

/// <summary>The converter's contract: naming of graph inputs and outputs, unsupported-op errors, constants.</summary>
public sealed class GraphConverterTests
{
    [Fact]
    public void InputsAndOutputsAreNamedAfterTheirTensors()
    {
        var g = new TfGraphBuilder();
        g.Placeholder("x", TensorDataType.Float, [-1]);
        g.Op("Identity", "alias", ["x"], Attr.T(DataType.DtFloat));
        g.Op("Neg", "neg", ["x"], Attr.T(DataType.DtFloat));
        g.Op("Identity", "neg_alias", ["neg"], Attr.T(DataType.DtFloat));
        var feeds = Feeds(("x:0", TestTensor.Float([2], 1, -2)));

        var model = GraphConverter.Convert(g.Prepare(feeds, ["x:0", "alias:0", "neg:0", "neg_alias:0", "neg:0"]));
        var result = OnnxTestRunner.Run(model, feeds);

        Assert.Equal(["x:0"], model.Graph.Input.Select(i => i.Name));
        Assert.Equal(["x:0", "alias:0", "neg:0", "neg_alias:0"], model.Graph.Output.Select(o => o.Name));
        Converted.AssertClose(TestTensor.Float([2], 1, -2), result["x:0"]);
        Converted.AssertClose(TestTensor.Float([2], 1, -2), result["alias:0"]);
        Converted.AssertClose(TestTensor.Float([2], -1, 2), result["neg:0"]);
        Converted.AssertClose(TestTensor.Float([2], -1, 2), result["neg_alias:0"]);
    }

    // TF Serving's half_plus_two feeds x:0, an Identity of a ParseExample output: nothing above the feed is converted.
    [Fact]
    public void AFedTensorCutsOffEverythingAboveIt()
    {
        var g = new TfGraphBuilder();
        g.Placeholder("serialized", TensorDataType.String, [-1]);
        g.Op("ParseExample", "parse", ["serialized"]);
        g.Op("Identity", "x", ["parse:0"], Attr.T(DataType.DtFloat));
        g.Const("half", TestTensor.Float([], 0.5f));
        g.Op("Mul", "y", ["x", "half"], Attr.T(DataType.DtFloat));
        var feeds = Feeds(("x:0", TestTensor.Float([3], 1, 2, 5)));

        var result = Converted.Run(g, feeds, "y:0");

        Converted.AssertClose(TestTensor.Float([3], 0.5f, 1, 2.5f), result["y:0"]);
    }

    [Fact]
    public void UnsupportedOpsAreListedOncePerTypeWithOneNode()
    {
        var g = new TfGraphBuilder();
        g.Placeholder("x", TensorDataType.Float, [-1]);
        g.Placeholder("s", TensorDataType.String, [-1]);
        g.Op("FancyOp", "a/b", ["x"], Attr.T(DataType.DtFloat));
        g.Op("FancyOp", "a/c", ["x"], Attr.T(DataType.DtFloat));
        g.Op("Neg", "after", ["a/b"], Attr.T(DataType.DtFloat));
        g.Op("OtherOp", "c", ["after"], Attr.T(DataType.DtFloat));
        g.Op("ParseExampleV2", "parse", ["s"]);
        g.Op("AddV2", "sum", ["c", "a/c"], Attr.T(DataType.DtFloat));
        var feeds = Feeds(("x:0", TestTensor.Float([1], 1)), ("s:0", TestTensor.Text([1], "")));

        var error = Assert.Throws<UnsupportedOpsException>(() => GraphConverter.Convert(g.Prepare(feeds, ["sum:0", "parse:0"])));

        Assert.Equal("Unsupported TensorFlow ops: FancyOp (node a/b), OtherOp (node c), ParseExampleV2 (node parse)", error.Message);
        Assert.Equal(["FancyOp", "OtherOp", "ParseExampleV2"], error.Ops.Select(o => o.OpType));
    }

    [Fact]
    public void UnsupportedFormsSayWhy()
    {
        var g = new TfGraphBuilder();
        g.Placeholder("x", TensorDataType.Float, [-1, 2]);
        g.Placeholder("perm", TensorDataType.Int32, [2]);
        g.Op("Transpose", "t", ["x", "perm"], Attr.T(DataType.DtFloat));
        var feeds = Feeds(("x:0", TestTensor.Float([1, 2], 1, 2)), ("perm:0", TestTensor.Int32([2], 1, 0)));

        var error = Assert.Throws<UnsupportedOpsException>(() => GraphConverter.Convert(g.Prepare(feeds, ["t:0"])));

        Assert.Equal("Unsupported TensorFlow ops: Transpose (node t: the permutation (input 1) must be a constant)", error.Message);
    }

    [Fact]
    public void AnUnfedPlaceholderIsReported()
    {
        var g = new TfGraphBuilder();
        g.Placeholder("x", TensorDataType.Float, [-1]);
        g.Placeholder("missing", TensorDataType.Float, [-1]);
        g.Op("AddV2", "y", ["x", "missing"], Attr.T(DataType.DtFloat));

        var error = Assert.Throws<UnsupportedOpsException>(() => GraphConverter.Convert(g.Prepare(Feeds(("x:0", TestTensor.Float([1], 1))), ["y:0"])));

        Assert.StartsWith("Unsupported TensorFlow ops: Placeholder (node missing:", error.Message);
    }

    [Fact]
    public void ConstantOutputsAndFoldedShapeArithmetic()
    {
        var g = new TfGraphBuilder();
        g.Placeholder("x", TensorDataType.Float, [2, 3]);
        g.Const("c", TestTensor.Int32([2], 4, 5));
        g.Op("Shape", "shape", ["x"], Attr.T(DataType.DtFloat));
        g.Op("Mul", "doubled", ["shape", "c"], Attr.T(DataType.DtInt32));
        var feeds = Feeds(("x:0", TestTensor.Float([2, 3], 1, 2, 3, 4, 5, 6)));

        var model = GraphConverter.Convert(g.Prepare(feeds, ["c:0", "doubled:0"]));
        var result = OnnxTestRunner.Run(model, feeds);

        Converted.AssertClose(TestTensor.Int32([2], 4, 5), result["c:0"]);
        Converted.AssertClose(TestTensor.Int32([2], 8, 15), result["doubled:0"]);
        Assert.DoesNotContain(model.Graph.Node, n => n.OpType is "Shape" or "Mul"); // folded at conversion
    }

    [Fact]
    public void TheModelDeclaresItsOpsetAndProducer()
    {
        var g = new TfGraphBuilder();
        g.Placeholder("x", TensorDataType.Float, [-1]);
        g.Op("Neg", "y", ["x"], Attr.T(DataType.DtFloat));

        var model = GraphConverter.Convert(g.Prepare(Feeds(("x:0", TestTensor.Float([1], 1))), ["y:0"]));

        Assert.Contains(model.OpsetImport, o => o.Domain == "" && o.Version == GraphConverter.OpsetVersion);
        Assert.Equal(GraphConverter.IrVersion, model.IrVersion);
        Assert.True(GraphConverter.IsSupported("StridedSlice"));
        Assert.False(GraphConverter.IsSupported("ParseExample"));
    }

    [Fact]
    public void RandomUniformFillsTheShapeWithValuesInTheUnitInterval()
    {
        var g = new TfGraphBuilder();
        g.Placeholder("x", TensorDataType.Float, [-1, 3]);
        g.Op("Shape", "shape", ["x"], Attr.T(DataType.DtFloat));
        g.Op("RandomUniform", "r", ["shape"], Attr.T(DataType.DtInt32), Attr.Type("dtype", DataType.DtFloat), Attr.Int("seed", 1), Attr.Int("seed2", 7));

        var result = Converted.Run(g, Feeds(("x:0", new TestTensor(TensorDataType.Float, [50, 3], new double[150]))), "r:0");

        Assert.Equal([50L, 3], result["r:0"].Shape);
        Assert.All(result["r:0"].Numbers, v => Assert.InRange(v, 0, 1));
        Assert.True(result["r:0"].Numbers.Distinct().Count() > 100, "values should vary");
    }
}
