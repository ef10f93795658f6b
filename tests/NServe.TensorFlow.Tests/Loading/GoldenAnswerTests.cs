using NServe.Core.Tensors;
using NServe.TensorFlow.Tests.Checkpoint;
using Xunit.Abstractions;

namespace NServe.TensorFlow.Tests.Loading;

/// <summary>
/// Every golden request of ../shared/testdata/golden through <see cref="TensorFlowLoader"/>: load the model,
/// run the signature, compare with TensorFlow's answer (rtol 1e-3, atol 1e-4).
/// </summary>
public class GoldenAnswerTests(ITestOutputHelper output)
{
    private const double RelativeTolerance = 1e-3;
    private const double AbsoluteTolerance = 1e-4;

    public static TheoryData<string> Files() => [.. GoldenCase.Files()];

    [TestDataTheory]
    [MemberData(nameof(Files))]
    public async Task AnswersMatchTensorFlow(string file)
    {
        var golden = GoldenCase.Read(file);
        using var servable = await TensorFlowLoaderTests.Load("savedmodels/" + golden.Model, golden.Tags);
        var inputs = golden.Inputs.ToDictionary(p => p.Key, p => p.Value.ToTensor());
        try
        {
            var outputs = await servable.RunAsync(golden.Signature, inputs, null, CancellationToken.None);
            Assert.Equal(golden.Outputs.Keys.Order(StringComparer.Ordinal), outputs.Keys.Order(StringComparer.Ordinal));
            foreach (var (alias, expected) in golden.Outputs)
            {
                using var actual = outputs[alias];
                Assert.Equal(expected.Shape, actual.Shape);
                var actualValues = Numbers(actual);
                var expectedValues = expected.Numbers();
                var worst = 0.0;
                for (var i = 0; i < expectedValues.Length; i++)
                {
                    var error = Math.Abs(actualValues[i] - expectedValues[i]) - (RelativeTolerance * Math.Abs(expectedValues[i]));
                    worst = Math.Max(worst, error);
                    Assert.True(error <= AbsoluteTolerance, $"{file} {alias}[{i}]: {actualValues[i]} vs {expectedValues[i]}");
                }

                output.WriteLine($"{file} {alias}: {expectedValues.Length} values within tolerance (worst excess {worst:g3})");
            }
        }
        finally
        {
            foreach (var tensor in inputs.Values)
            {
                tensor.Dispose();
            }
        }
    }

    private static double[] Numbers(Tensor tensor) => tensor.DataType switch
    {
        TensorDataType.Float => [.. tensor.AsSpan<float>().ToArray().Select(v => (double)v)],
        TensorDataType.Double => tensor.AsSpan<double>().ToArray(),
        TensorDataType.Int32 => [.. tensor.AsSpan<int>().ToArray().Select(v => (double)v)],
        TensorDataType.Int64 => [.. tensor.AsSpan<long>().ToArray().Select(v => (double)v)],
        TensorDataType.UInt8 => [.. tensor.AsSpan<byte>().ToArray().Select(v => (double)v)],
        TensorDataType.Bool => [.. tensor.AsSpan<byte>().ToArray().Select(v => (double)v)],
        _ => throw new NotSupportedException($"output dtype {tensor.DataType}"),
    };
}
