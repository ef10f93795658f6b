using NServe.Core.Errors;
using NServe.Core.Tensors;
using Tensorflow.Serving;

namespace NServe.Core.Inference;

/// <summary>
/// TF Serving's <c>PostProcessRegressionResult</c>: the <c>outputs</c> output (DT_FLOAT [N] or [N, 1]) as one
/// <see cref="Regression"/> per example, with its checks and messages.
/// </summary>
public static class RegressionResults
{
    public static RegressionResult FromOutputs(IReadOnlyDictionary<string, Tensor> outputs, int exampleCount)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        if (!outputs.TryGetValue(ExampleSignatures.OutputsAlias, out var output))
        {
            throw ServingException.InvalidArgument($"Could not find output tensor '{ExampleSignatures.OutputsAlias}'");
        }

        if (!(output.Rank == 1 || (output.Rank == 2 && output.Shape[1] == 1)))
        {
            throw ServingException.InvalidArgument(
                $"Expected output Tensor shape to be either [batch_size] or [batch_size, 1] but got {output.ShapeString}");
        }

        if (output.Shape[0] != exampleCount)
        {
            throw ServingException.InvalidArgument($"Input batch size did not match output batch size: {exampleCount} vs. {output.Shape[0]}");
        }

        if (output.DataType != TensorDataType.Float)
        {
            throw ServingException.InvalidArgument($"Expected output Tensor of DT_FLOAT.  Got: {TensorDataTypes.TfName(output.DataType)}");
        }

        var values = output.AsSpan<float>();
        var result = new RegressionResult();
        for (var i = 0; i < exampleCount; i++)
        {
            result.Regressions.Add(new Regression { Value = values[i] });
        }

        return result;
    }
}
