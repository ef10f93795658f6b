using System.Globalization;
using NServe.TensorFlow.Conversion;

namespace NServe.TensorFlow.Tests.Conversion;

/// <summary>Converts hand-built graphs, runs them on ONNX Runtime and compares answers (with tf-oracle, or with values worked out by hand).</summary>
internal static class Converted
{
    /// <summary>The ORT answers for <paramref name="fetches"/>, by fetch name.</summary>
    public static Dictionary<string, TestTensor> Run(TfGraphBuilder graph, IReadOnlyDictionary<string, TestTensor> feeds, params string[] fetches)
    {
        var model = GraphConverter.Convert(graph.Prepare(feeds, fetches));
        return OnnxTestRunner.Run(model, feeds, fetches);
    }

    /// <summary>Runs the graph converted on ORT and as it is on tf-oracle, asserts they agree, and returns ORT's answers.</summary>
    public static Dictionary<string, TestTensor> AgreeWithOracle(
        TfGraphBuilder graph,
        IReadOnlyDictionary<string, TestTensor> feeds,
        string[] fetches,
        double rtol = 1e-5,
        double atol = 1e-5)
    {
        var ort = Run(graph, feeds, fetches);
        var oracle = TfOracle.Run(graph.ToGraphDef(), feeds, fetches);
        foreach (var fetch in fetches)
        {
            AssertClose(oracle[fetch], ort[fetch], rtol, atol, fetch, compareTypes: false);
        }

        return ort;
    }

    /// <summary>Shapes equal and values within atol + rtol·|expected| (NaN matches NaN); dtypes too unless comparing with tf-oracle, which computes 64-bit types in 32 bits.</summary>
    public static void AssertClose(TestTensor expected, TestTensor actual, double rtol = 1e-6, double atol = 1e-6, string what = "output", bool compareTypes = true)
    {
        if (compareTypes)
        {
            Assert.True(expected.Type == actual.Type, $"{what}: expected dtype {expected.Type}, got {actual.Type}");
        }

        if (!expected.Shape.SequenceEqual(actual.Shape))
        {
            Assert.Fail($"{what}: expected shape [{string.Join(",", expected.Shape)}], got [{string.Join(",", actual.Shape)}]\nexpected {Head(expected)}\nactual   {Head(actual)}");
        }
        if (expected.Strings is not null || actual.Strings is not null)
        {
            Assert.Equal(expected.Strings, actual.Strings);
            return;
        }

        for (var i = 0; i < expected.Numbers.Length; i++)
        {
            var (e, a) = (expected.Numbers[i], actual.Numbers[i]);
            var close = (double.IsNaN(e) && double.IsNaN(a)) || e == a || Math.Abs(e - a) <= atol + (rtol * Math.Abs(e));
            if (!close)
            {
                Assert.Fail(string.Create(CultureInfo.InvariantCulture, $"{what}[{i}]: expected {e}, got {a}\nexpected {Head(expected)}\nactual   {Head(actual)}"));
            }
        }
    }

    private static string Head(TestTensor tensor)
    {
        var text = tensor.ToString();
        return text.Length > 400 ? text[..400] + "..." : text;
    }
}
