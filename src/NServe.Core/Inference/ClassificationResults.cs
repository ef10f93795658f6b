using NServe.Core.Errors;
using NServe.Core.Tensors;
using Tensorflow.Serving;

namespace NServe.Core.Inference;

/// <summary>
/// TF Serving's <c>PostProcessClassificationResult</c>: the <c>classes</c> (DT_STRING [N, C]) and/or
/// <c>scores</c> (DT_FLOAT [N, C]) outputs as one <see cref="Classifications"/> per example, with its checks
/// and messages. A missing output leaves labels empty or scores 0, as the proto defaults do.
/// </summary>
public static class ClassificationResults
{
    public static ClassificationResult FromOutputs(IReadOnlyDictionary<string, Tensor> outputs, int exampleCount)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        outputs.TryGetValue(ExampleSignatures.ClassesAlias, out var classes);
        outputs.TryGetValue(ExampleSignatures.ScoresAlias, out var scores);
        if (classes is not null)
        {
            Check(classes, TensorDataType.String, "classes", exampleCount);
        }

        if (scores is not null)
        {
            Check(scores, TensorDataType.Float, "scores", exampleCount);
        }

        long classCount = 0;
        if (classes is not null && scores is not null)
        {
            if (classes.Shape[1] != scores.Shape[1])
            {
                throw ServingException.InvalidArgument(
                    $"Tensors class and score should match in dim_size(1). Got {classes.Shape[1]} vs. {scores.Shape[1]}");
            }

            classCount = classes.Shape[1];
        }
        else if ((classes ?? scores) is { } either)
        {
            classCount = either.Shape[1];
        }

        var labels = classes?.Strings;
        var values = scores is null ? default : scores.AsSpan<float>();
        var result = new ClassificationResult();
        for (var i = 0; i < exampleCount; i++)
        {
            var classifications = new Classifications();
            for (var c = 0; c < classCount; c++)
            {
                var index = (i * classCount) + c;
                var item = new Class();
                if (labels is not null)
                {
                    item.Label = System.Text.Encoding.UTF8.GetString(labels[index]);
                }

                if (scores is not null)
                {
                    item.Score = values[(int)index];
                }

                classifications.Classes.Add(item);
            }

            result.Classifications.Add(classifications);
        }

        return result;
    }

    private static void Check(Tensor tensor, TensorDataType expected, string what, int exampleCount)
    {
        if (tensor.Rank != 2)
        {
            throw ServingException.InvalidArgument($"Expected Tensor shape: [batch_size num_classes] but got {tensor.ShapeString}");
        }

        if (tensor.DataType != expected)
        {
            throw ServingException.InvalidArgument(
                $"Expected {what} Tensor of {TensorDataTypes.TfName(expected)}. Got: {TensorDataTypes.TfName(tensor.DataType)}");
        }

        if (tensor.Shape[0] != exampleCount)
        {
            throw ServingException.InvalidArgument($"Expected {what} output batch size of {exampleCount}. Got: {tensor.Shape[0]}");
        }
    }
}
