using NServe.Core.Errors;
using NServe.Core.Tensors;
using NServe.TensorFlow.Graph;
using NServe.TensorFlow.HostKernels;
using NServe.TensorFlow.State;
using Tensorflow;
using static NServe.TensorFlow.Tests.Graph.TestGraphs;

namespace NServe.TensorFlow.Tests.State;

/// <summary>
/// Variables updated by Assign/AssignAdd/AssignSub become host state: fed to the converted graph, their updates
/// fetched from it and applied after the run. The graphs are TF1 graphs after preparation (variables as Consts).
/// </summary>
public class VariableStateSplitTests
{
    private static readonly HashSet<string> Assigned = ["steps", "w"];

    [Fact]
    public void UpdatedVariablesBecomeFeedsAndTheirUpdatesFetches()
    {
        var graph = StepGraph();

        var (split, layout) = VariableStateSplit.Apply(graph, "step", Assigned);

        Assert.NotNull(layout);
        var read = Assert.Single(layout.Reads);
        Assert.Equal("steps", read.Variable);
        var write = Assert.Single(layout.Writes);
        Assert.Equal(("steps", VariableUpdateKind.Subtract), (write.Variable, write.Kind));
        Assert.Equal(["d:0", "steps:0"], split.Feeds.Select(f => f.TensorName));
        Assert.Equal(["out", write.Alias], split.Fetches.Select(f => f.Alias));
        Assert.Equal(read.Alias, split.Feeds[1].Alias);
        Assert.DoesNotContain(split.Nodes, n => n.Name == "steps");
        Assert.Equal("Sub", split.Nodes.Single(n => n.Name == "sub").Op);
        Assert.Equal(["d"], split.Nodes.Single(n => split.Fetches[1].TensorName == n.Name + ":0").Input);
    }

    [Fact]
    public void AGraphWithoutUpdatedVariablesIsLeftAlone()
    {
        var graph = StepGraph();

        var (split, layout) = VariableStateSplit.Apply(graph, "step", new HashSet<string> { "other" });

        Assert.Same(graph, split);
        Assert.Null(layout);
    }

    [Fact]
    public void AnAssignNoLongerReadsTheVariable()
    {
        var graph = Prepared(
            [FloatConst("w", 1f), Placeholder("x"), Node("set", "Assign", "w", "x").WithType()],
            [("x", "x:0", TensorDataType.Float)], [("out", "set:0")]);

        var (split, layout) = VariableStateSplit.Apply(graph, "set", Assigned);

        Assert.Empty(layout!.Reads);
        Assert.Equal(VariableUpdateKind.Assign, Assert.Single(layout.Writes).Kind);
        Assert.Equal(["x:0"], split.Feeds.Select(f => f.TensorName));
        Assert.Equal("Identity", split.Nodes.Single(n => n.Name == "set").Op);
    }

    [Fact]
    public void UpdatingOneVariableTwiceInARunFailsNamingBothNodes()
    {
        var graph = Prepared(
            [FloatConst("w", 1f), Placeholder("x"), Node("a", "AssignAdd", "w", "x").WithType(), Node("b", "AssignAdd", "w", "x").WithType(), Node("sum", "AddV2", "a", "b").WithType()],
            [("x", "x:0", TensorDataType.Float)], [("out", "sum:0")]);

        var error = Assert.Throws<ServingException>(() => VariableStateSplit.Apply(graph, "twice", Assigned));

        Assert.Equal(StatusCode.Unimplemented, error.Code);
        Assert.Contains("variable 'w' twice (nodes 'a' and 'b')", error.Message);
    }

    [Fact]
    public async Task AnIntegerVariableIsUpdatedInPlaceRunAfterRun()
    {
        using var state = new VariableState();
        var (graph, signature) = Stateful(StepGraph(), "step", state);

        Assert.Equal(new long[] { 9L, 18L }, await Run(signature, graph, "step", ("d", Int64s(1, 2))));
        Assert.Equal(new long[] { 8L, 16L }, await Run(signature, graph, "step", ("d", Int64s(1, 2))));
        Assert.Equal(new long[] { 18L, 36L }, await Run(signature, graph, "step", ("d", Int64s(-10, -20))));
    }

    [Fact]
    public async Task SignaturesShareTheStateOfTheirVersion()
    {
        using var state = new VariableState();
        var assign = Prepared(
            [FloatConst("w", 1f), Placeholder("x"), Node("set", "Assign", "w", "x").WithType().With("validate_shape", new AttrValue { B = false })],
            [("x", "x:0", TensorDataType.Float)], [("out", "set:0")]);
        var read = Prepared(
            [FloatConst("w", 1f), FloatConst("two", 2f), Node("twice", "Mul", "w", "two").WithType()],
            [], [("out", "twice:0")]);
        var (setGraph, set) = Stateful(assign, "set", state);
        var (getGraph, get) = Stateful(read, "get", state);

        Assert.Equal(new float[] { 2f }, await RunFloats(get, getGraph, "get"));
        Assert.Equal(new float[] { 3f, 4f }, await RunFloats(set, setGraph, "set", ("x", Tensor.FromValues(TensorDataType.Float, [2], [3f, 4f]))));
        Assert.Equal(new float[] { 6f, 8f }, await RunFloats(get, getGraph, "get"));
    }

    [Fact]
    public async Task AShapeCheckedAssignOfAnotherShapeFailsAsTensorFlowAndChangesNothing()
    {
        using var state = new VariableState();
        var assign = Prepared(
            [FloatConst("w", 1f), Placeholder("x"), Node("set", "Assign", "w", "x").WithType(), Node("old", "Identity", "w").WithType()],
            [("x", "x:0", TensorDataType.Float)], [("out", "set:0"), ("old", "old:0")]);
        var (graph, set) = Stateful(assign, "set", state);

        var error = await Assert.ThrowsAsync<ServingException>(() => RunFloats(set, graph, "set", ("x", Tensor.FromValues(TensorDataType.Float, [2], [3f, 4f]))));

        Assert.Equal(StatusCode.InvalidArgument, error.Code);
        Assert.Equal("Assign requires shapes of both tensors to match. lhs shape= [] rhs shape= [2]", error.Message);
        var outputs = await set.RunAsync(graph, "set", new Dictionary<string, Tensor> { ["x"] = Tensor.FromValues(TensorDataType.Float, [], [5f]) }, ["old"], CancellationToken.None);
        Assert.Equal([1f], outputs["old"].AsSpan<float>().ToArray());
        Assert.Equal(["old"], outputs.Keys);
    }

    [Fact]
    public async Task ARunWhoseDeadlinePassesWhileWaitingForItsTurnFailsAsCancelled()
    {
        using var state = new VariableState();
        var (graph, signature) = Stateful(StepGraph(), "step", state);
        using var cancel = new CancellationTokenSource();
        var holder = await state.EnterAsync(CancellationToken.None);

        var waiting = signature.RunAsync(graph, "step", new Dictionary<string, Tensor> { ["d"] = Int64s(1, 2) }, null, cancel.Token).AsTask();
        await cancel.CancelAsync();
        var error = await Assert.ThrowsAsync<ServingException>(() => waiting);
        holder.Dispose();

        Assert.Equal(StatusCode.DeadlineExceeded, error.Code);
        Assert.Equal(0, graph.Runs);
        Assert.Equal(new long[] { 9L, 18L }, await Run(signature, graph, "step", ("d", Int64s(1, 2))));
    }

    /// <summary><c>out = AssignSub(steps, d)</c> with int64 <c>steps = [10, 20]</c>.</summary>
    private static PreparedGraph StepGraph() => Prepared(
        [Int64Const("steps", 10, 20), Placeholder("d", DataType.DtInt64), Node("sub", "AssignSub", "steps", "d").WithType(type: DataType.DtInt64)],
        [("d", "d:0", TensorDataType.Int64)], [("out", "sub:0")]);

    private static PreparedGraph Prepared(NodeDef[] nodes, (string Alias, string Tensor, TensorDataType Type)[] feeds, (string Alias, string Tensor)[] fetches) => new()
    {
        Nodes = nodes,
        Feeds = feeds.Select(f => new GraphEndpoint(f.Alias, f.Tensor, f.Type, null)).ToList(),
        Fetches = fetches.Select(f => new GraphEndpoint(f.Alias, f.Tensor, TensorDataType.Invalid, null)).ToList(),
        Functions = new Dictionary<string, FunctionDef>(),
    };

    private static NodeDef Int64Const(string name, params long[] values)
    {
        var tensor = new TensorProto { Dtype = DataType.DtInt64, TensorShape = Shape(values.Length) };
        tensor.Int64Val.AddRange(values);
        return Node(name, "Const").WithType("dtype", DataType.DtInt64).With("value", new AttrValue { Tensor = tensor });
    }

    private static Tensor Int64s(params long[] values) => Tensor.FromValues(TensorDataType.Int64, [values.Length], values.AsSpan());

    private static (ConvertedGraphServable Graph, StatefulSignature Signature) Stateful(PreparedGraph graph, string key, VariableState state)
    {
        var (split, layout) = VariableStateSplit.Apply(graph, key, Assigned);
        var inputs = new ExampleParsingStage([], graph.Feeds.Select(f => f.Alias), split.Feeds.Select(f => f.Alias));
        return (new ConvertedGraphServable(split), new StatefulSignature(state, layout!, inputs, graph.Fetches.Select(f => f.Alias)));
    }

    private static async Task<long[]> Run(StatefulSignature signature, ConvertedGraphServable graph, string key, params (string Alias, Tensor Value)[] inputs)
    {
        var outputs = await signature.RunAsync(graph, key, inputs.ToDictionary(i => i.Alias, i => i.Value), null, CancellationToken.None);
        return Assert.Single(outputs).Value.AsSpan<long>().ToArray();
    }

    private static async Task<float[]> RunFloats(StatefulSignature signature, ConvertedGraphServable graph, string key, params (string Alias, Tensor Value)[] inputs)
    {
        var outputs = await signature.RunAsync(graph, key, inputs.ToDictionary(i => i.Alias, i => i.Value), null, CancellationToken.None);
        return outputs["out"].AsSpan<float>().ToArray();
    }
}
