using NServe.Core.Tensors;
using static NServe.TensorFlow.Tests.Conversion.ElementwiseConversionTests;

namespace NServe.TensorFlow.Tests.Conversion;

/// <summary>
/// StringSplit at the edges of TensorFlow's kernel (string_split_op.cc): an empty string has no tokens even
/// when empty tokens are kept, while a string of delimiters only is all empty tokens.
/// </summary>
public sealed class StringSplitEmptyTextTests
{
    [Fact]
    public void EmptyTextHasNoTokensEvenWhenEmptyTokensAreKept()
    {
        var g = new TfGraphBuilder();
        g.Placeholder("text", TensorDataType.String, [-1]);
        g.Const("delimiter", TestTensor.Text([], "/"));
        g.Op("StringSplit", "split", ["text", "delimiter"], Attr.Bool("skip_empty", false));

        var result = Converted.Run(g, Feeds(("text:0", TestTensor.Text([3], "", "/", "x"))), "split:0", "split:1", "split:2");

        Converted.AssertClose(TestTensor.Int64([3, 2], 1, 0, 1, 1, 2, 0), result["split:0"]);
        Converted.AssertClose(TestTensor.Text([3], "", "", "x"), result["split:1"]);
        Converted.AssertClose(TestTensor.Int64([2], 3, 2), result["split:2"]);
    }

    [Fact]
    public void NoTokensAtAllGiveAnEmptySparseTensorOfZeroWidth()
    {
        var g = new TfGraphBuilder();
        g.Placeholder("text", TensorDataType.String, [-1]);
        g.Const("delimiter", TestTensor.Text([], "/"));
        g.Op("StringSplit", "split", ["text", "delimiter"], Attr.Bool("skip_empty", true));

        var result = Converted.Run(g, Feeds(("text:0", TestTensor.Text([2], "", "//"))), "split:0", "split:1", "split:2");

        Converted.AssertClose(TestTensor.Int64([0, 2]), result["split:0"]);
        Converted.AssertClose(TestTensor.Text([0]), result["split:1"]);
        Converted.AssertClose(TestTensor.Int64([2], 2, 0), result["split:2"]);
    }
}
