using System.Buffers;
using System.Text;
using NServe.Core.Errors;
using NServe.Server.Rest.Json;
using Tensorflow.Serving;

namespace NServe.Server.Tests.Rest.Json;

/// <summary>Classify and regress results in TF Serving's JSON (json_tensor_test.cc's expected texts, compact).</summary>
public class ExampleResultWriterTests
{
    [Fact]
    public void ClassificationsAreLabelScorePairsPerExample()
    {
        var result = new ClassificationResult();
        foreach (var scores in new[] { new[] { 0.2f, 0.7f, 0.1f }, new[] { 0.7f, 0.1f, 0.2f } })
        {
            var classifications = new Classifications();
            foreach (var (label, score) in new[] { "car", "bike", "bus" }.Zip(scores))
            {
                classifications.Classes.Add(new Class { Label = label, Score = score });
            }

            result.Classifications.Add(classifications);
        }

        Assert.Equal(
            """{"results":[[["car",0.2],["bike",0.7],["bus",0.1]],[["car",0.7],["bike",0.1],["bus",0.2]]]}""",
            Write(w => ExampleResultWriter.Write(w, result)));
    }

    [Fact]
    public void RegressionsAreOneNumberPerExampleNonFiniteAsTokens()
    {
        var result = new RegressionResult();
        foreach (var value in new[] { 0.2f, 0.9f, 1.0f, float.PositiveInfinity, float.NaN })
        {
            result.Regressions.Add(new Regression { Value = value });
        }

        Assert.Equal("""{"results":[0.2,0.9,1.0,Infinity,NaN]}""", Write(w => ExampleResultWriter.Write(w, result)));
    }

    [Fact]
    public void EmptyResultsAreRefused()
    {
        Assert.Equal(
            "Cannot convert empty ClassificationResults to JSON",
            Assert.Throws<ServingException>(() => Write(w => ExampleResultWriter.Write(w, new ClassificationResult()))).Message);
        Assert.Equal(
            "Cannot convert empty RegressionResults to JSON",
            Assert.Throws<ServingException>(() => Write(w => ExampleResultWriter.Write(w, new RegressionResult()))).Message);
    }

    private static string Write(Action<IBufferWriter<byte>> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        write(buffer);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
