using NServe.Core.Tensors;
using NServe.TensorFlow.Graph;
using NServe.TensorFlow.Variables;
using Tensorflow;
using static NServe.TensorFlow.Tests.Graph.TestGraphs;

namespace NServe.TensorFlow.Tests.Graph;

/// <summary>Pruning, inlining and ordering on small hand-written graphs.</summary>
public class GraphPreparerTests
{
    [Fact]
    public void InlinesCallsWithFunctionNamingIntoGraphNaming()
    {
        // f(x, w) = (Split(x)[1] * w, x): a multi-output op read by output-arg name, and an argument returned as is.
        var f = Function("f", ["x", "w"], ["product", "same"],
        [
            FloatConst("dim", 0),
            Node("split", "Split", "dim:output:0", "x").WithType().With("num_split", new AttrValue { I = 2 }),
            Node("mul", "Mul", "split:output:1", "w").WithType(),
            Node("out", "Identity", "mul:z:0", "^split").WithType(),
        ], ("product", "out:output:0"), ("same", "x"));
        var graph = Nodes(
            Placeholder("input"),
            FloatConst("weight", 3),
            Call("call", "f", "input", "weight"),
            Node("y", "Identity", "call").WithType());

        var prepared = Prepare(graph, [f], feeds: ["input:0"], fetches: ["y:0", "call:1"]);

        var byName = prepared.Nodes.ToDictionary(n => n.Name);
        Assert.Equal(["call/dim", "input"], byName["call/split"].Input);
        Assert.Equal(["call/split:1", "weight"], byName["call/mul"].Input);
        Assert.Equal(["call/mul", "^call/split"], byName["call/out"].Input);
        Assert.Equal(["call/out"], byName["y"].Input);
        Assert.Equal(["y:0", "input:0"], prepared.Fetches.Select(e => e.TensorName));
        Assert.DoesNotContain("input", byName.Keys); // fed: its producer is not part of the graph
        Assert.DoesNotContain("call", byName.Keys);
        AssertTopological(prepared);
    }

    [Fact]
    public void InlinesNestedCallsAndCallsByOpName()
    {
        var inner = Function("inner", ["a"], ["b"], [Node("neg", "Neg", "a").WithType()], ("b", "neg:y:0"));
        var outer = Function("outer", ["a"], ["b"],
        [
            Node("direct", "inner", "a"),
            Node("partitioned", "PartitionedCall", "direct:b:0")
                .With("f", new AttrValue { Func = new NameAttrList { Name = "inner" } })
                .With("Tin", new AttrValue { List = new AttrValue.Types.ListValue { Type = { DataType.DtFloat } } })
                .With("Tout", new AttrValue { List = new AttrValue.Types.ListValue { Type = { DataType.DtFloat } } }),
        ], ("b", "partitioned:output:0"));
        var graph = Nodes(Placeholder("x"), Call("call", "outer", "x"));

        var prepared = Prepare(graph, [inner, outer], feeds: ["x:0"], fetches: ["call:0"]);

        Assert.Equal(["call/direct/neg", "call/partitioned/neg"], prepared.Nodes.Select(n => n.Name));
        Assert.Equal(["x"], prepared.Nodes[0].Input);
        Assert.Equal(["call/direct/neg"], prepared.Nodes[1].Input);
        Assert.Equal("call/partitioned/neg:0", Assert.Single(prepared.Fetches).TensorName);
    }

    [Fact]
    public void UnusedCapturesOfAnInlinedFunctionArePruned()
    {
        var f = Function("f", ["x", "unused"], ["y"], [Node("neg", "Neg", "x").WithType()], ("y", "neg:y:0"));
        var graph = Nodes(Placeholder("x"), Node("costly", "RandomUniform", "shape"), FloatConst("shape", 1), Call("call", "f", "x", "costly"));

        var prepared = Prepare(graph, [f], feeds: ["x:0"], fetches: ["call:0"]);

        Assert.Equal(["call/neg"], prepared.Nodes.Select(n => n.Name));
    }

    [Fact]
    public void FeedsMayBeInternalTensorsAndOtherOutputsOfTheirProducerStay()
    {
        var graph = Nodes(
            Placeholder("serialized", DataType.DtString),
            Node("parse", "Unpack", "serialized").WithType().With("num", new AttrValue { I = 2 }),
            Node("x", "Identity", "parse").WithType(),
            Node("sum", "Add", "x", "parse:1").WithType());

        var prepared = Prepare(graph, [], feeds: ["x:0"], fetches: ["sum:0"]);

        // x:0 is fed, so Identity x goes; parse stays for its second output, computed from the placeholder.
        Assert.Equal(["serialized", "parse", "sum"], prepared.Nodes.Select(n => n.Name));
        Assert.Equal(["x", "parse:1"], prepared.Nodes[2].Input);
        Assert.Equal("x:0", prepared.Feeds[0].TensorName);
    }

    [Fact]
    public void ControlOnlyDependenciesArePrunedAndTheirEdgesDropped()
    {
        var graph = Nodes(
            Placeholder("x"),
            Node("assert", "Assert", "x"),
            Node("y", "Neg", "x", "^assert").WithType());

        var prepared = Prepare(graph, [], feeds: ["x:0"], fetches: ["y:0"]);

        var node = Assert.Single(prepared.Nodes);
        Assert.Equal(["x"], node.Input);
        Assert.Equal(["x", "^assert"], graph["y"].Input); // the model's own node is untouched
    }

    [Fact]
    public void NodesComeOutInTopologicalOrder()
    {
        var graph = Nodes(
            Node("c", "Add", "b", "a").WithType(),
            Node("b", "Neg", "a").WithType(),
            FloatConst("a", 1));

        var prepared = Prepare(graph, [], feeds: [], fetches: ["c:0"]);

        Assert.Equal(["a", "b", "c"], prepared.Nodes.Select(n => n.Name));
    }

    [Fact]
    public void CyclesAndDanglingInputsAreReported()
    {
        var cycle = Nodes(Node("a", "Neg", "b").WithType(), Node("b", "Neg", "a").WithType());
        var dangling = Nodes(Node("a", "Neg", "nowhere:1").WithType());

        var cycleError = Assert.Throws<GraphPreparationException>(() => Prepare(cycle, [], [], ["a:0"]));
        var danglingError = Assert.Throws<GraphPreparationException>(() => Prepare(dangling, [], [], ["a:0"]));

        Assert.Contains("cycle", cycleError.Message);
        Assert.Contains("'nowhere:1'", danglingError.Message);
        Assert.Contains("'a'", danglingError.Message);
    }

    [Fact]
    public void MalformedFunctionsAreReportedWithTheFunctionName()
    {
        var badRef = Function("f", ["x"], ["y"], [Node("neg", "Neg", "x").WithType()], ("y", "missing:y:0"));
        var wrongArg = Function("g", ["x"], ["y"], [Node("neg", "Neg", "x").WithType()], ("y", "neg:nosuch:0"));

        var badRefError = Assert.Throws<GraphPreparationException>(() => Prepare(Nodes(Placeholder("x"), Call("call", "f", "x")), [badRef], ["x:0"], ["call:0"]));
        var wrongArgError = Assert.Throws<GraphPreparationException>(() => Prepare(Nodes(Placeholder("x"), Call("call", "g", "x")), [wrongArg], ["x:0"], ["call:0"]));
        var missingError = Assert.Throws<GraphPreparationException>(() => Prepare(Nodes(Placeholder("x"), Call("call", "h", "x")), [], ["x:0"], ["call:0"]));

        Assert.Contains("'f'", badRefError.Message);
        Assert.Contains("'missing:y:0'", badRefError.Message);
        Assert.Contains("no output argument 'nosuch'", wrongArgError.Message);
        Assert.Contains("'h'", missingError.Message);
    }

    [Fact]
    public void FunctionsReferencedByAttributesAreHandedOverWithTheirCallees()
    {
        var body = Function("body", ["i"], ["o"], [Node("add", "helper", "i")], ("o", "add:o:0"));
        var helper = Function("helper", ["i"], ["o"], [Node("neg", "Neg", "i").WithType()], ("o", "neg:y:0"));
        var cond = Function("cond", ["i"], ["o"], [Node("less", "Less", "i", "i").WithType()], ("o", "less:z:0"));
        var unrelated = Function("unrelated", ["i"], ["o"], [], ("o", "i"));
        var loop = Node("loop", "StatelessWhile", "x")
            .With("body", new AttrValue { Func = new NameAttrList { Name = "body" } })
            .With("cond", new AttrValue { Func = new NameAttrList { Name = "cond" } });

        var prepared = Prepare(Nodes(Placeholder("x"), loop), [body, helper, cond, unrelated], ["x:0"], ["loop:0"]);

        Assert.Equal(["loop"], prepared.Nodes.Select(n => n.Name));
        Assert.Equal(["body", "cond", "helper"], prepared.Functions.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void DefaultAttributesComeFromTheOpRegistry()
    {
        var node = Node("m", "MatMul", "a", "b").WithType();

        Assert.True(OpRegistry.Default.FillDefaultAttrs(node));
        Assert.False(OpRegistry.Default.FillDefaultAttrs(Node("c", "SomeCustomOp")));

        Assert.False(node.Attr["transpose_a"].B);
        Assert.False(node.Attr["transpose_b"].B);
        Assert.Equal(DataType.DtFloat, node.Attr["T"].Type); // present attributes are kept
    }

    [Theory]
    [InlineData("x", "x", 0, false)]
    [InlineData("x:3", "x", 3, false)]
    [InlineData("^x", "x", -1, true)]
    [InlineData("scope/x:y", "scope/x:y", 0, false)]
    public void TensorNamesParse(string text, string node, int index, bool control)
    {
        var name = TensorName.Parse(text);

        Assert.Equal((node, index, control), (name.Node, name.Index, name.IsControl));
        Assert.Equal(text, name.ToString());
    }

    internal static OrderedDictionary<string, NodeDef> Nodes(params NodeDef[] nodes)
    {
        var graph = new OrderedDictionary<string, NodeDef>(StringComparer.Ordinal);
        foreach (var node in nodes)
        {
            graph.Add(node.Name, node);
        }

        return graph;
    }

    private static PreparedGraph Prepare(
        OrderedDictionary<string, NodeDef> graph, FunctionDef[] functions, string[] feeds, string[] fetches)
    {
        var library = new FunctionLibrary(functions, OpRegistry.Default);
        using var variables = new VariableStore(null, "/nonexistent/variables/variables", new Dictionary<string, CheckpointSlot>());
        var preparer = new GraphPreparer(graph, library, variables, new Dictionary<string, string>());
        return preparer.Prepare(
            [.. feeds.Select((f, i) => new GraphEndpoint($"in{i}", f, TensorDataType.Float, null))],
            [.. fetches.Select((f, i) => new GraphEndpoint($"out{i}", f, TensorDataType.Float, null))]);
    }

    private static void AssertTopological(PreparedGraph graph)
    {
        var fed = graph.Feeds.Select(f => f.TensorName).ToHashSet();
        var seen = new HashSet<string>();
        foreach (var node in graph.Nodes)
        {
            Assert.All(node.Input, i => Assert.True(fed.Contains(TensorName.Parse(i).ToTensorString()) || seen.Contains(TensorName.NodeOf(i)), $"{node.Name} reads {i} early"));
            seen.Add(node.Name);
        }
    }
}
