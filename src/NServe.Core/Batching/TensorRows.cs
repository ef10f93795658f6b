using System.Runtime.InteropServices;
using NServe.Core.Tensors;

namespace NServe.Core.Batching;

/// <summary>
/// Copies rows (slices along dimension 0) between tensors, and pads a slice's other dimensions at their
/// end, as TF's batching_util AddPadding does, with a given element. Numeric rows move as bytes; string
/// rows move as references to the same byte strings.
/// </summary>
internal static class TensorRows
{
    /// <summary>The largest rank TF pads (its PadOp's limit).</summary>
    public const int MaxPaddedRank = 6;

    /// <summary>Elements in one row of a tensor of <paramref name="shape"/>.</summary>
    public static long RowElements(ReadOnlySpan<long> shape) => Tensor.ElementCountOf(shape[1..]);

    /// <summary>True when both shapes agree past dimension 0.</summary>
    public static bool SameRowShape(ReadOnlySpan<long> a, ReadOnlySpan<long> b) =>
        a.Length == b.Length && a[1..].SequenceEqual(b[1..]);

    /// <summary>Copies <paramref name="rows"/> rows of <paramref name="source"/> into <paramref name="target"/> (same row shape).</summary>
    public static void Copy(Tensor source, long sourceRow, Tensor target, long targetRow, long rows)
    {
        var rowElements = RowElements(source.Shape);
        if (source.IsString)
        {
            Array.Copy(source.Strings, sourceRow * rowElements, target.Strings, targetRow * rowElements, rows * rowElements);
            return;
        }

        var rowBytes = rowElements * TensorDataTypes.ElementSize(source.DataType);
        source.Bytes.Span.Slice(checked((int)(sourceRow * rowBytes)), checked((int)(rows * rowBytes)))
            .CopyTo(target.Bytes.Span[checked((int)(targetRow * rowBytes))..]);
    }

    /// <summary>Repeats row <paramref name="row"/> of <paramref name="tensor"/> into the <paramref name="count"/> rows after <paramref name="from"/>.</summary>
    public static void RepeatRow(Tensor tensor, long row, long from, long count)
    {
        for (var i = 0L; i < count; i++)
        {
            Copy(tensor, row, tensor, from + i, 1);
        }
    }

    /// <summary>
    /// Copies <paramref name="rows"/> rows of <paramref name="source"/> from <paramref name="sourceRow"/> into
    /// <paramref name="target"/> at <paramref name="targetRow"/>, where the target's rows are at least as large in
    /// every dimension; the space around the source's values is filled with the first copied element.
    /// </summary>
    public static void CopyPadded(Tensor source, long sourceRow, long rows, Tensor target, long targetRow)
    {
        if (SameRowShape(source.Shape, target.Shape))
        {
            Copy(source, sourceRow, target, targetRow, rows);
            return;
        }

        var sourceRowElements = RowElements(source.Shape);
        var targetRowElements = RowElements(target.Shape);
        var sourceStart = sourceRow * sourceRowElements;
        var targetStart = targetRow * targetRowElements;
        var sourceCount = rows * sourceRowElements;
        var targetCount = rows * targetRowElements;
        if (source.IsString)
        {
            CopyPadded<byte[]>(
                source.Strings.AsSpan(checked((int)sourceStart), checked((int)sourceCount)),
                target.Strings.AsSpan(checked((int)targetStart), checked((int)targetCount)),
                rows, source.Shape, target.Shape);
            return;
        }

        var size = TensorDataTypes.ElementSize(source.DataType);
        var from = source.Bytes.Span.Slice(checked((int)(sourceStart * size)), checked((int)(sourceCount * size)));
        var to = target.Bytes.Span.Slice(checked((int)(targetStart * size)), checked((int)(targetCount * size)));
        switch (size)
        {
            case 1:
                CopyPadded<byte>(from, to, rows, source.Shape, target.Shape);
                break;
            case 2:
                CopyPadded(MemoryMarshal.Cast<byte, short>(from), MemoryMarshal.Cast<byte, short>(to), rows, source.Shape, target.Shape);
                break;
            case 4:
                CopyPadded(MemoryMarshal.Cast<byte, int>(from), MemoryMarshal.Cast<byte, int>(to), rows, source.Shape, target.Shape);
                break;
            default:
                CopyPadded(MemoryMarshal.Cast<byte, long>(from), MemoryMarshal.Cast<byte, long>(to), rows, source.Shape, target.Shape);
                break;
        }
    }

    /// <summary>
    /// Fills <paramref name="to"/> with the first element of <paramref name="from"/>, then copies each innermost
    /// run of <paramref name="from"/> to its place in the larger layout.
    /// </summary>
    private static void CopyPadded<T>(ReadOnlySpan<T> from, Span<T> to, long rows, long[] fromShape, long[] toShape)
    {
        if (to.IsEmpty)
        {
            return;
        }

        to.Fill(from[0]);
        var rank = fromShape.Length;
        var run = (int)fromShape[rank - 1];
        if (run == 0 || from.IsEmpty)
        {
            return;
        }

        // Walk every index over the dimensions before the last, counting in the source's extents.
        Span<long> index = stackalloc long[rank];
        Span<long> toStrides = stackalloc long[rank];
        toStrides[rank - 1] = 1;
        for (var d = rank - 2; d >= 0; d--)
        {
            toStrides[d] = toStrides[d + 1] * toShape[d + 1];
        }

        var runs = from.Length / run;
        for (var r = 0; r < runs; r++)
        {
            long toOffset = 0;
            for (var d = 0; d < rank - 1; d++)
            {
                toOffset += index[d] * toStrides[d];
            }

            from.Slice(r * run, run).CopyTo(to[(int)toOffset..]);
            for (var d = rank - 2; d >= 0; d--)
            {
                var extent = d == 0 ? rows : fromShape[d];
                if (++index[d] < extent)
                {
                    break;
                }

                index[d] = 0;
            }
        }
    }
}
