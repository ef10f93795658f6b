using NServe.Core.Tensors;

namespace NServe.Core.Batching;

/// <summary>
/// Concatenates the inputs of a batch's parts along dimension 0 into pooled tensors (TF's
/// MergeInputTensors): each part's rows in order, each non-batch dimension padded at its end to the
/// batch's largest when <c>pad_variable_length_inputs</c> is on, then copies of the first row of the last
/// part up to the padded batch size.
/// </summary>
internal static class BatchInputMerger
{
    public static Dictionary<string, Tensor> Merge(List<BatchTaskPart> parts, long rows, long paddedRows, bool padVariableLength)
    {
        var firstInputs = parts[0].Task.Inputs;
        if (padVariableLength)
        {
            CheckPaddable(firstInputs);
        }

        var merged = new Dictionary<string, Tensor>(firstInputs.Count, StringComparer.Ordinal);
        try
        {
            foreach (var (alias, first) in firstInputs)
            {
                var shape = (long[])first.Shape.Clone();
                shape[0] = paddedRows;
                if (padVariableLength)
                {
                    foreach (var part in parts)
                    {
                        var dims = part.Task.Inputs[alias].Shape;
                        for (var d = 1; d < shape.Length; d++)
                        {
                            shape[d] = Math.Max(shape[d], dims[d]);
                        }
                    }
                }

                var target = first.IsString
                    ? Tensor.FromStrings(shape, new byte[Tensor.ElementCountOf(shape)][])
                    : Tensor.Allocate(first.DataType, shape);
                merged.Add(alias, target);
                Fill(target, parts, alias, rows, paddedRows);
            }

            return merged;
        }
        catch
        {
            foreach (var tensor in merged.Values)
            {
                tensor.Dispose();
            }

            throw;
        }
    }

    /// <summary>Only ranks TF's padding supports may be padded.</summary>
    public static void CheckPaddable(IReadOnlyDictionary<string, Tensor> inputs)
    {
        foreach (var tensor in inputs.Values)
        {
            if (tensor.Rank > TensorRows.MaxPaddedRank)
            {
                throw BatchingErrors.RankNotPaddable();
            }
        }
    }

    private static void Fill(Tensor target, List<BatchTaskPart> parts, string alias, long rows, long paddedRows)
    {
        var row = 0L;
        var lastRowStart = -1L;
        foreach (var part in parts)
        {
            var source = part.Task.Inputs[alias];
            if (part.Rows > 0)
            {
                if (!TensorRows.SameRowShape(source.Shape, target.Shape)
                    && TensorRows.RowElements(source.Shape) == 0
                    && TensorRows.RowElements(target.Shape) > 0)
                {
                    throw BatchingErrors.EmptyTensorToPad();
                }

                TensorRows.CopyPadded(source, part.Offset, part.Rows, target, row);
                lastRowStart = row;
            }

            row += part.Rows;
        }

        if (paddedRows == rows)
        {
            return;
        }

        // TF pads with the first row of the last task: a row the model is known to accept.
        if (lastRowStart >= 0)
        {
            TensorRows.RepeatRow(target, lastRowStart, rows, paddedRows - rows);
        }
        else if (target.IsString)
        {
            target.Strings.AsSpan().Fill([]);
        }
        else
        {
            target.Bytes.Span.Clear();
        }
    }
}
