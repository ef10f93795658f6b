using NServe.Core.Tensors;
using Tensorflow;
using static NServe.TensorFlow.Tests.Conversion.ElementwiseConversionTests;

namespace NServe.TensorFlow.Tests.Conversion;

// TensorFlow.js has no string kernels, so these answers are worked out from TensorFlow's documented semantics.
public sealed class StringConversionTests
{
    private static TfGraphBuilder SplitGraph(bool skipEmpty)
    {
        var g = new TfGraphBuilder();
        g.Placeholder("text", TensorDataType.String, [-1]);
        g.Const("delimiter", TestTensor.Text([], "/"));
        g.Op("StringSplit", "split", ["text", "delimiter"], Attr.Bool("skip_empty", skipEmpty));
        return g;
    }

    [Fact]
    public void StringSplitSkippingEmptyTokensGivesASparseTensor()
    {
        var g = SplitGraph(skipEmpty: true);

        var result = Converted.Run(g, Feeds(("text:0", TestTensor.Text([3], "a/bc//d", "", "/e/"))), "split:0", "split:1", "split:2");

        Converted.AssertClose(TestTensor.Int64([4, 2], 0, 0, 0, 1, 0, 2, 2, 0), result["split:0"]);
        Converted.AssertClose(TestTensor.Text([4], "a", "bc", "d", "e"), result["split:1"]);
        Converted.AssertClose(TestTensor.Int64([2], 3, 3), result["split:2"]);
    }

    [Fact]
    public void StringSplitKeepingEmptyTokens()
    {
        var g = SplitGraph(skipEmpty: false);

        var result = Converted.Run(g, Feeds(("text:0", TestTensor.Text([2], "a//b", "c"))), "split:0", "split:1", "split:2");

        Converted.AssertClose(TestTensor.Int64([4, 2], 0, 0, 0, 1, 0, 2, 1, 0), result["split:0"]);
        Converted.AssertClose(TestTensor.Text([4], "a", "", "b", "c"), result["split:1"]);
        Converted.AssertClose(TestTensor.Int64([2], 2, 3), result["split:2"]);
    }

    // mltd__model_string_test: split on "/", join every token with " ", reshape to [-1, 1].
    [Fact]
    public void SplitThenReduceJoinAsTheMlNetStringModel()
    {
        var g = SplitGraph(skipEmpty: true);
        g.Const("axis", TestTensor.Int32([1], 0));
        g.Op("ReduceJoin", "joined", ["split:1", "axis"], Attr.Bool("keep_dims", false), Attr.Str("separator", " "));
        g.Const("shape", TestTensor.Int32([2], -1, 1));
        g.Op("Reshape", "y", ["joined", "shape"], Attr.T(DataType.DtString));

        var result = Converted.Run(g, Feeds(("text:0", TestTensor.Text([2], "hello/world", "x//y"))), "y:0");

        Converted.AssertClose(TestTensor.Text([1, 1], "hello world x y"), result["y:0"]);
    }

    // tf.reduce_join(a, [0, 1]) of [["a", "b"], ["c", "d"]] is "acbd": the first listed axis varies fastest.
    [Theory]
    [InlineData(new[] { 0 }, false, new long[] { 2 }, new[] { "a.c", "b.d" })]
    [InlineData(new[] { 1 }, true, new long[] { 2, 1 }, new[] { "a.b", "c.d" })]
    [InlineData(new[] { -1 }, false, new long[] { 2 }, new[] { "a.b", "c.d" })]
    [InlineData(new[] { 0, 1 }, false, new long[0], new[] { "a.c.b.d" })]
    [InlineData(new[] { 1, 0 }, false, new long[0], new[] { "a.b.c.d" })]
    [InlineData(new int[0], false, new long[] { 2, 2 }, new[] { "a", "b", "c", "d" })]
    public void ReduceJoinFollowsTheAxisOrder(int[] axes, bool keepDims, long[] shape, string[] expected)
    {
        var g = new TfGraphBuilder();
        g.Placeholder("x", TensorDataType.String, [2, 2]);
        g.Const("axes", TestTensor.Int32([axes.Length], axes));
        g.Op("ReduceJoin", "y", ["x", "axes"], Attr.Bool("keep_dims", keepDims), Attr.Str("separator", "."));

        var result = Converted.Run(g, Feeds(("x:0", TestTensor.Text([2, 2], "a", "b", "c", "d"))), "y:0");

        Converted.AssertClose(TestTensor.Text(shape, expected), result["y:0"]);
    }

    [Fact]
    public void ReduceJoinOfNothingIsEmpty()
    {
        var g = new TfGraphBuilder();
        g.Placeholder("x", TensorDataType.String, [-1]);
        g.Const("axes", TestTensor.Int32([1], 0));
        g.Op("ReduceJoin", "y", ["x", "axes"], Attr.Str("separator", ","));

        var result = Converted.Run(g, Feeds(("x:0", TestTensor.Text([0]))), "y:0");

        Converted.AssertClose(TestTensor.Text([], ""), result["y:0"]);
    }

    [Fact]
    public void StringJoinConcatenatesElementwise()
    {
        var g = new TfGraphBuilder();
        g.Placeholder("a", TensorDataType.String, [-1]);
        g.Const("b", TestTensor.Text([], "!"));
        g.Op("StringJoin", "y", ["a", "b"], Attr.Int("N", 2), Attr.Str("separator", "-"));

        var result = Converted.Run(g, Feeds(("a:0", TestTensor.Text([2], "hi", "yo"))), "y:0");

        Converted.AssertClose(TestTensor.Text([2], "hi-!", "yo-!"), result["y:0"]);
    }

    [Fact]
    public void RegexFullMatchUsesRe2()
    {
        var g = new TfGraphBuilder();
        g.Placeholder("s", TensorDataType.String, [-1]);
        g.Op("StaticRegexFullMatch", "y", ["s"], Attr.Str("pattern", "[a-c]+\\d?"));
        g.Const("pattern", TestTensor.Text([], "x.*"));
        g.Op("RegexFullMatch", "z", ["s", "pattern"]);

        var result = Converted.Run(g, Feeds(("s:0", TestTensor.Text([3], "abc1", "abd", "xyz"))), "y:0", "z:0");

        Converted.AssertClose(TestTensor.Bool([3], true, false, false), result["y:0"]);
        Converted.AssertClose(TestTensor.Bool([3], false, false, true), result["z:0"]);
    }
}
