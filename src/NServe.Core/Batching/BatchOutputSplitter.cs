using NServe.Core.Tensors;

namespace NServe.Core.Batching;

/// <summary>
/// Hands each part of a batch its rows of the batched outputs (TF's SplitOutputTensors); rows of padding
/// are dropped.
/// </summary>
internal static class BatchOutputSplitter
{
    /// <summary>Every output must have a batch dimension as long as the (padded) batch, or the whole batch fails.</summary>
    public static void Check(IReadOnlyDictionary<string, Tensor> outputs, long paddedRows)
    {
        foreach (var tensor in outputs.Values)
        {
            if (tensor.Rank == 0)
            {
                throw BatchingErrors.ScalarOutput();
            }

            if (tensor.Shape[0] != paddedRows)
            {
                throw BatchingErrors.OutputRowsMismatch();
            }
        }
    }

    public static void Split(IReadOnlyDictionary<string, Tensor> outputs, List<BatchTaskPart> parts)
    {
        foreach (var (alias, tensor) in outputs)
        {
            var row = 0L;
            foreach (var part in parts)
            {
                part.Task.AcceptRows(alias, tensor, row, part.Offset, part.Rows);
                row += part.Rows;
            }
        }
    }
}
