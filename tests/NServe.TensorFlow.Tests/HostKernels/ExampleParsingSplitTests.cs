using NServe.Core.Errors;
using NServe.Core.Tensors;
using NServe.TensorFlow.Graph;
using NServe.TensorFlow.HostKernels;
using Tensorflow;
using static NServe.TensorFlow.Tests.Graph.TestGraphs;

namespace NServe.TensorFlow.Tests.HostKernels;

public class ExampleParsingSplitTests
{
    [Fact]
    public void AParseOfASignatureInputBecomesFeedsOfItsDenseOutputs()
    {
        var graph = HalfPlusTwoLike(defaultOfY: [Node("y_default", "Reshape", "y_value", "y_shape"), FloatConst("y_value", 7f), IntConst("y_shape", 1)]);

        var (split, parses) = ExampleParsingSplit.Apply(graph, "regress");

        var parse = Assert.Single(parses);
        Assert.Equal("inputs", parse.InputAlias);
        Assert.Equal(["x", "y"], parse.Kernel.Dense.Select(f => f.Key));
        Assert.Null(parse.Kernel.Dense[0].Default);
        Assert.Equal(new[] { 7f }, parse.Kernel.Dense[1].Default);
        Assert.Equal(["pe:0", "pe:1"], split.Feeds.Select(f => f.TensorName));
        Assert.Equal(parse.OutputAliases, split.Feeds.Select(f => f.Alias));
        Assert.Equal(["half", "out"], split.Nodes.Select(n => n.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void SparseOutputsInUseFailNamingTheNode()
    {
        var graph = HalfPlusTwoLike(sparse: true);

        var error = Assert.Throws<ServingException>(() => ExampleParsingSplit.Apply(graph, "regress"));

        Assert.Equal(StatusCode.Unimplemented, error.Code);
        Assert.Contains("ParseExample node 'pe'", error.Message);
        Assert.Contains("sparse or ragged", error.Message);
    }

    [Fact]
    public void ComputedDefaultsFailNamingTheNode()
    {
        var graph = HalfPlusTwoLike(defaultOfY: [Node("y_default", "Add", "y_value", "y_value").WithType(), FloatConst("y_value", 7f)]);

        var error = Assert.Throws<ServingException>(() => ExampleParsingSplit.Apply(graph, "regress"));

        Assert.Contains("ParseExample node 'pe'", error.Message);
        Assert.Contains("'y_default' is not a constant", error.Message);
    }

    [Fact]
    public void AParseOfAComputedStringStaysForTheConverterToReport()
    {
        var graph = HalfPlusTwoLike(serialized: "joined", extra: [Node("joined", "StringJoin", "tf_example")]);

        var (split, parses) = ExampleParsingSplit.Apply(graph, "regress");

        Assert.Empty(parses);
        Assert.Same(graph, split);
    }

    /// <summary>
    /// <c>out = 0.5 * ParseExample(inputs)["y"]</c> with dense keys x (required) and y; optionally one sparse key,
    /// whose values then feed <c>out</c> instead.
    /// </summary>
    private static PreparedGraph HalfPlusTwoLike(
        NodeDef[]? defaultOfY = null, bool sparse = false, string serialized = "tf_example", NodeDef[]? extra = null)
    {
        defaultOfY ??= [FloatConst("y_default", 0f)];
        var sparseKeys = sparse ? new[] { "s_key" } : [];
        var parse = Node("pe", "ParseExample", [serialized, "names", .. sparseKeys, "x_key", "y_key", "x_default", "y_default"])
            .With("Nsparse", new AttrValue { I = sparseKeys.Length })
            .With("Ndense", new AttrValue { I = 2 })
            .With("sparse_types", new AttrValue { List = List(sparseKeys.Select(_ => DataType.DtFloat)) })
            .With("Tdense", new AttrValue { List = List([DataType.DtFloat, DataType.DtFloat]) })
            .With("dense_shapes", new AttrValue { List = new AttrValue.Types.ListValue { Shape = { Shape(1), Shape(1) } } });
        var nodes = new List<NodeDef>
        {
            StringsConst("names"), StringsConst("x_key", "x"), StringsConst("y_key", "y"), FloatConst("x_default"),
            FloatConst("half", 0.5f),
        };
        if (sparse)
        {
            nodes.Add(StringsConst("s_key", "s"));
        }

        nodes.AddRange(defaultOfY);
        nodes.AddRange(extra ?? []);
        nodes.Add(parse);
        // Output 1 is dense y without sparse keys, and the sparse values with one (indices, values, shapes come first).
        nodes.Add(Node("out", "Mul", "half", "pe:1").WithType());
        return new PreparedGraph
        {
            Nodes = nodes,
            Feeds = [new GraphEndpoint("inputs", "tf_example:0", TensorDataType.String, null)],
            Fetches = [new GraphEndpoint("outputs", "out:0", TensorDataType.Float, null)],
            Functions = new Dictionary<string, FunctionDef>(),
        };
    }

    private static AttrValue.Types.ListValue List(IEnumerable<DataType> types) => new() { Type = { types } };

    private static NodeDef IntConst(string name, params int[] values)
    {
        var tensor = new TensorProto { Dtype = DataType.DtInt32, TensorShape = Shape(values.Length) };
        tensor.IntVal.AddRange(values);
        return Node(name, "Const").WithType("dtype", DataType.DtInt32).With("value", new AttrValue { Tensor = tensor });
    }
}
