using NServe.Core.Tensors;
using NServe.TensorFlow.Conversion;
using Tensorflow;
using static NServe.TensorFlow.Tests.Conversion.ElementwiseConversionTests;

namespace NServe.TensorFlow.Tests.Conversion;

public sealed class ControlFlowConversionTests
{
    /// <summary>
    /// TF1 Keras dropout: Switch on a learning-phase PlaceholderWithDefault(false). The training branch holds an op
    /// nobody can convert; as TensorFlow never runs it, neither is it converted nor reported.
    /// </summary>
    private static TfGraphBuilder LearningPhaseGraph()
    {
        var g = new TfGraphBuilder();
        g.Placeholder("x", TensorDataType.Float, [-1]);
        g.Const("phase_default", TestTensor.Bool([], false));
        g.Op("PlaceholderWithDefault", "learning_phase", ["phase_default"], Attr.Type("dtype", DataType.DtBool));
        g.Op("Switch", "switch", ["x", "learning_phase"], Attr.T(DataType.DtFloat));
        g.Op("SomeTrainingOnlyOp", "dropout", ["switch:1"], Attr.T(DataType.DtFloat));
        g.Const("two", TestTensor.Float([], 2));
        g.Op("Mul", "inference", ["switch", "two"], Attr.T(DataType.DtFloat));
        g.Op("Merge", "merge", ["dropout", "inference"], Attr.T(DataType.DtFloat), Attr.Int("N", 2));
        return g;
    }

    [Fact]
    public void SwitchOnAnUnfedDefaultTakesTheDefaultBranchOnly()
    {
        var g = LearningPhaseGraph();

        var result = Converted.Run(g, Feeds(("x:0", TestTensor.Float([3], 1, 2, 3))), "merge:0", "merge:1");

        Converted.AssertClose(TestTensor.Float([3], 2, 4, 6), result["merge:0"]);
        Converted.AssertClose(TestTensor.Int32([], 1), result["merge:1"]);
    }

    [Fact]
    public void SwitchOnAFedPredicateIsReported()
    {
        var g = LearningPhaseGraph();
        var feeds = Feeds(("x:0", TestTensor.Float([1], 1)), ("learning_phase:0", TestTensor.Bool([], true)));

        var error = Assert.Throws<UnsupportedOpsException>(() => GraphConverter.Convert(g.Prepare(feeds, ["merge:0"])));

        Assert.StartsWith("Unsupported TensorFlow ops: Switch (node switch: the predicate is computed at run time", error.Message);
    }

    // i = 0; acc = x; while i < n: i += 1; acc *= 2. TensorFlow.js cannot run Consts inside function bodies, so
    // for the oracle the constants 1 and 2 come in as loop variables the body passes through.
    private static void AddDoublingLoop(TfGraphBuilder g, bool liftConstants = false)
    {
        (string, DataType)[] vars = liftConstants
            ? [("i", DataType.DtInt32), ("acc", DataType.DtFloat), ("n", DataType.DtInt32), ("one", DataType.DtInt32), ("two", DataType.DtFloat)]
            : [("i", DataType.DtInt32), ("acc", DataType.DtFloat), ("n", DataType.DtInt32)];
        var cond = new TfGraphBuilder();
        cond.Op("Less", "less", ["i", "n"], Attr.T(DataType.DtInt32));
        g.Function(TestFunctions.Define("cond", vars, [("z", DataType.DtBool)], cond, ("z", "less:z:0")));

        var body = new TfGraphBuilder();
        if (!liftConstants)
        {
            body.Const("one", TestTensor.Int32([], 1));
            body.Const("two", TestTensor.Float([], 2));
        }

        body.Op("AddV2", "next_i", ["i", liftConstants ? "one" : "one:output:0"], Attr.T(DataType.DtInt32));
        body.Op("Mul", "next_acc", ["acc", liftConstants ? "two" : "two:output:0"], Attr.T(DataType.DtFloat));
        (string, string)[] ret = [("i_out", "next_i:z:0"), ("acc_out", "next_acc:z:0"), ("n_out", "n")];
        g.Function(TestFunctions.Define(
            "body",
            vars,
            vars.Select(v => (v.Item1 + "_out", v.Item2)).ToArray(),
            body,
            liftConstants ? [.. ret, ("one_out", "one"), ("two_out", "two")] : ret));
    }

    [OracleTheory]
    [InlineData("StatelessWhile", 3)]
    [InlineData("While", 0)]
    public void WhileLoopRunsUntilItsConditionFails(string op, int n)
    {
        var g = new TfGraphBuilder();
        AddDoublingLoop(g, liftConstants: true);
        g.Placeholder("x", TensorDataType.Float, [-1]);
        g.Placeholder("n", TensorDataType.Int32, []);
        g.Const("zero", TestTensor.Int32([], 0));
        g.Const("one", TestTensor.Int32([], 1));
        g.Const("two", TestTensor.Float([], 2));
        g.Op(op, "loop", ["zero", "x", "n", "one", "two"], Attr.Types("T", DataType.DtInt32, DataType.DtFloat, DataType.DtInt32, DataType.DtInt32, DataType.DtFloat),
            Attr.Func("cond", "cond"), Attr.Func("body", "body"), Attr.Shapes("output_shapes", [], [-1], [], [], []), Attr.Int("parallel_iterations", 10));

        var result = Converted.AgreeWithOracle(g, Feeds(("x:0", TestTensor.Float([2], 1, -3)), ("n:0", TestTensor.Int32([], n))), ["loop:0", "loop:1"]);

        var factor = Math.Pow(2, n);
        Converted.AssertClose(TestTensor.Float([2], (float)factor, (float)(-3 * factor)), result["loop:1"]);
    }

    [Fact]
    public void WhileLoopWhoseConditionIsFalseAtOnceIsItsInputs()
    {
        var g = new TfGraphBuilder();
        AddDoublingLoop(g);
        g.Placeholder("x", TensorDataType.Float, [-1]);
        g.Const("zero", TestTensor.Int32([], 0));
        g.Op("StatelessWhile", "loop", ["zero", "x", "zero"], Attr.Types("T", DataType.DtInt32, DataType.DtFloat, DataType.DtInt32),
            Attr.Func("cond", "cond"), Attr.Func("body", "body"));

        var result = Converted.Run(g, Feeds(("x:0", TestTensor.Float([1], 5))), "loop:1");

        Converted.AssertClose(TestTensor.Float([1], 5), result["loop:1"]);
    }

    /// <summary>
    /// The Keras RNN pattern: the input sequence unstacked into a TensorList read one step per iteration, results
    /// written into a reserved list (its element shape [-1, 2] unknown in the batch), stacked after the loop; and a
    /// second one-element list overwritten at index 0 every step (the last output, as return_sequences=False keeps).
    /// </summary>
    // (TensorFlow.js 4.22 fails on this loop, reading a tensor it disposed, so the answer is worked out by hand;
    // the real Keras LSTM golden covers the same ops.)
    private static TfGraphBuilder SequenceLoopGraph()
    {
        var g = new TfGraphBuilder();
        var cond = new TfGraphBuilder();
        cond.Op("Less", "less", ["t", "steps"], Attr.T(DataType.DtInt32));
        (string, DataType)[] loopVars = [("t", DataType.DtInt32), ("outputs", DataType.DtVariant), ("last", DataType.DtVariant), ("inputs", DataType.DtVariant), ("steps", DataType.DtInt32)];
        g.Function(TestFunctions.Define("seq_cond", loopVars, [("z", DataType.DtBool)], cond, ("z", "less:z:0")));

        var body = new TfGraphBuilder();
        body.Const("element_shape", TestTensor.Int32([2], -1, 2));
        body.Op("TensorListGetItem", "item", ["inputs", "t", "element_shape:output:0"], Attr.Type("element_dtype", DataType.DtFloat));
        body.Const("ten", TestTensor.Float([], 10));
        body.Op("Mul", "scaled", ["item:item:0", "ten:output:0"], Attr.T(DataType.DtFloat));
        body.Op("TensorListSetItem", "write", ["outputs", "t", "scaled:z:0"], Attr.Type("element_dtype", DataType.DtFloat));
        body.Const("zero", TestTensor.Int32([], 0));
        body.Op("TensorListSetItem", "write_last", ["last", "zero:output:0", "scaled:z:0"], Attr.Type("element_dtype", DataType.DtFloat));
        body.Const("one", TestTensor.Int32([], 1));
        body.Op("AddV2", "next_t", ["t", "one:output:0"], Attr.T(DataType.DtInt32));
        g.Function(TestFunctions.Define(
            "seq_body",
            loopVars,
            loopVars.Select(v => (v.Item1 + "_out", v.Item2)).ToArray(),
            body,
            ("t_out", "next_t:z:0"),
            ("outputs_out", "write:output_handle:0"),
            ("last_out", "write_last:output_handle:0"),
            ("inputs_out", "inputs"),
            ("steps_out", "steps")));

        g.Placeholder("x", TensorDataType.Float, [3, -1, 2]);
        g.Const("element_shape", TestTensor.Int32([2], -1, 2));
        g.Const("steps", TestTensor.Int32([], 3));
        g.Const("one", TestTensor.Int32([], 1));
        g.Const("zero", TestTensor.Int32([], 0));
        g.Op("TensorListFromTensor", "inputs", ["x", "element_shape"], Attr.Type("element_dtype", DataType.DtFloat), Attr.Type("shape_type", DataType.DtInt32));
        g.Op("TensorListReserve", "outputs", ["element_shape", "steps"], Attr.Type("element_dtype", DataType.DtFloat), Attr.Type("shape_type", DataType.DtInt32));
        g.Op("TensorListReserve", "last", ["element_shape", "one"], Attr.Type("element_dtype", DataType.DtFloat), Attr.Type("shape_type", DataType.DtInt32));
        g.Op("StatelessWhile", "loop", ["zero", "outputs", "last", "inputs", "steps"],
            Attr.Types("T", DataType.DtInt32, DataType.DtVariant, DataType.DtVariant, DataType.DtVariant, DataType.DtInt32),
            Attr.Func("cond", "seq_cond"), Attr.Func("body", "seq_body"), Attr.Shapes("output_shapes", [], [], [], [], []), Attr.Int("parallel_iterations", 32));
        g.Op("TensorListStack", "stacked", ["loop:1", "element_shape"], Attr.Type("element_dtype", DataType.DtFloat), Attr.Int("num_elements", 3));
        g.Op("TensorListStack", "last_stacked", ["loop:2", "element_shape"], Attr.Type("element_dtype", DataType.DtFloat), Attr.Int("num_elements", 1));
        return g;
    }

    [Fact]
    public void TensorListsThroughAWhileLoopStackTheSteps()
    {
        var g = SequenceLoopGraph();
        var x = new TestTensor(TensorDataType.Float, [3, 2, 2], Enumerable.Range(1, 12).Select(i => (double)i).ToArray());

        var result = Converted.Run(g, Feeds(("x:0", x)), "stacked:0", "last_stacked:0");

        Converted.AssertClose(new TestTensor(TensorDataType.Float, [3, 2, 2], x.Numbers.Select(v => v * 10).ToArray()), result["stacked:0"]);
        Converted.AssertClose(TestTensor.Float([1, 2, 2], 90, 100, 110, 120), result["last_stacked:0"]);
    }

    // then: x * 2; else: x - 1. For the oracle (no Consts in bodies) the constants are arguments.
    private static void AddBranches(TfGraphBuilder g, bool liftConstants = false)
    {
        (string, DataType)[] args = liftConstants ? [("x", DataType.DtFloat), ("one", DataType.DtFloat), ("two", DataType.DtFloat)] : [("x", DataType.DtFloat)];
        var then = new TfGraphBuilder();
        if (!liftConstants)
        {
            then.Const("two", TestTensor.Float([], 2));
        }

        then.Op("Mul", "doubled", ["x", liftConstants ? "two" : "two:output:0"], Attr.T(DataType.DtFloat));
        g.Function(TestFunctions.Define("then", args, [("y", DataType.DtFloat)], then, ("y", "doubled:z:0")));
        var otherwise = new TfGraphBuilder();
        if (!liftConstants)
        {
            otherwise.Const("one", TestTensor.Float([], 1));
        }

        otherwise.Op("Sub", "less_one", ["x", liftConstants ? "one" : "one:output:0"], Attr.T(DataType.DtFloat));
        g.Function(TestFunctions.Define("else", args, [("y", DataType.DtFloat)], otherwise, ("y", "less_one:z:0")));
    }

    [OracleTheory]
    [InlineData(true)]
    [InlineData(false)]
    public void IfWithARunTimeConditionRunsOneBranch(bool condition)
    {
        var g = new TfGraphBuilder();
        AddBranches(g, liftConstants: true);
        g.Placeholder("c", TensorDataType.Bool, []);
        g.Placeholder("x", TensorDataType.Float, [-1]);
        g.Const("one", TestTensor.Float([], 1));
        g.Const("two", TestTensor.Float([], 2));
        g.Op("StatelessIf", "if", ["c", "x", "one", "two"], Attr.Type("Tcond", DataType.DtBool), Attr.Types("Tin", DataType.DtFloat, DataType.DtFloat, DataType.DtFloat), Attr.Types("Tout", DataType.DtFloat),
            Attr.Func("then_branch", "then"), Attr.Func("else_branch", "else"));

        var result = Converted.AgreeWithOracle(g, Feeds(("c:0", TestTensor.Bool([], condition)), ("x:0", TestTensor.Float([2], 3, 5))), ["if:0"]);

        Converted.AssertClose(condition ? TestTensor.Float([2], 6, 10) : TestTensor.Float([2], 2, 4), result["if:0"]);
    }

    [Fact]
    public void IfOnAConstantConditionInlinesTheTakenBranch()
    {
        var g = new TfGraphBuilder();
        AddBranches(g);
        g.Const("c", TestTensor.Int32([], 0));
        g.Placeholder("x", TensorDataType.Float, [-1]);
        g.Op("If", "if", ["c", "x"], Attr.Type("Tcond", DataType.DtInt32), Attr.Types("Tin", DataType.DtFloat), Attr.Types("Tout", DataType.DtFloat),
            Attr.Func("then_branch", "then"), Attr.Func("else_branch", "else"));

        var model = GraphConverter.Convert(g.Prepare(Feeds(("x:0", TestTensor.Float([1], 3))), ["if:0"]));
        var result = OnnxTestRunner.Run(model, Feeds(("x:0", TestTensor.Float([1], 3))));

        Assert.DoesNotContain(model.Graph.Node, n => n.OpType == "If");
        Converted.AssertClose(TestTensor.Float([1], 2), result["if:0"]);
    }

    [Fact]
    public void PartitionedCallsAndDirectCallsAreInlined()
    {
        var g = new TfGraphBuilder();
        AddBranches(g);
        g.Placeholder("x", TensorDataType.Float, [-1]);
        g.Op("StatefulPartitionedCall", "call", ["x"], Attr.Types("Tin", DataType.DtFloat), Attr.Types("Tout", DataType.DtFloat), Attr.Func("f", "then"));
        g.Op("else", "direct", ["call"]);

        var result = Converted.Run(g, Feeds(("x:0", TestTensor.Float([2], 1, 4))), "call:0", "direct:0");

        Converted.AssertClose(TestTensor.Float([2], 2, 8), result["call:0"]);
        Converted.AssertClose(TestTensor.Float([2], 1, 7), result["direct:0"]);
    }
}
