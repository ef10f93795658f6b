using NServe.Core.Tensors;
using NServe.TensorFlow.Checkpoint;

namespace NServe.TensorFlow.Variables;

/// <summary>
/// A slice spec of a partitioned variable as RestoreV2's <c>shape_and_slices</c> holds it: the full shape's
/// dimensions, then one token with <c>start,length</c> per dimension joined by <c>:</c> (<c>-</c> = all of it),
/// e.g. <c>"4 12 0,4:0,12"</c>.
/// </summary>
internal sealed class TensorSliceSpec
{
    private TensorSliceSpec(long[] fullShape, long[] starts, long[] lengths)
    {
        FullShape = fullShape;
        Starts = starts;
        Lengths = lengths;
    }

    public long[] FullShape { get; }

    public long[] Starts { get; }

    public long[] Lengths { get; }

    /// <summary>Parses <paramref name="spec"/>; <paramref name="file"/> is named in the error when it is malformed.</summary>
    public static TensorSliceSpec Parse(string spec, string file)
    {
        var tokens = spec.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (tokens.Length < 2)
        {
            throw Malformed(spec, file);
        }

        var rank = tokens.Length - 1;
        var fullShape = new long[rank];
        for (var d = 0; d < rank; d++)
        {
            if (!long.TryParse(tokens[d], out fullShape[d]) || fullShape[d] < 0)
            {
                throw Malformed(spec, file);
            }
        }

        var extents = tokens[^1].Split(':');
        if (extents.Length != rank)
        {
            throw Malformed(spec, file);
        }

        var starts = new long[rank];
        var lengths = new long[rank];
        for (var d = 0; d < rank; d++)
        {
            if (extents[d] == "-")
            {
                lengths[d] = fullShape[d];
                continue;
            }

            var pair = extents[d].Split(',');
            if (pair.Length != 2 || !long.TryParse(pair[0], out starts[d]) || !long.TryParse(pair[1], out lengths[d])
                || starts[d] < 0 || lengths[d] < 0 || starts[d] + lengths[d] > fullShape[d])
            {
                throw Malformed(spec, file);
            }
        }

        return new TensorSliceSpec(fullShape, starts, lengths);
    }

    /// <summary>The part of <paramref name="full"/> this spec selects, as a new tensor.</summary>
    public Tensor Extract(Tensor full, string key, string file)
    {
        if (!full.Shape.AsSpan().SequenceEqual(FullShape))
        {
            throw CheckpointException.Corrupt(file,
                $"'{key}' has shape [{string.Join(",", full.Shape)}], but the graph restores a slice of a [{string.Join(",", FullShape)}] tensor");
        }

        var rank = FullShape.Length;
        var count = Tensor.ElementCountOf(Lengths);
        var sourceIndices = new long[count];
        var position = new long[rank];
        for (long i = 0; i < count; i++)
        {
            long offset = 0;
            for (var d = 0; d < rank; d++)
            {
                offset = (offset * FullShape[d]) + Starts[d] + position[d];
            }

            sourceIndices[i] = offset;
            for (var d = rank - 1; d >= 0; d--)
            {
                if (++position[d] < Lengths[d])
                {
                    break;
                }

                position[d] = 0;
            }
        }

        if (full.IsString)
        {
            var strings = new byte[count][];
            for (long i = 0; i < count; i++)
            {
                strings[i] = full.Strings[sourceIndices[i]];
            }

            return Tensor.FromStrings([.. Lengths], strings);
        }

        var size = TensorDataTypes.ElementSize(full.DataType);
        var part = Tensor.Allocate(full.DataType, [.. Lengths]);
        var source = full.Bytes.Span;
        var target = part.Bytes.Span;
        for (long i = 0; i < count; i++)
        {
            source.Slice(checked((int)(sourceIndices[i] * size)), size).CopyTo(target[checked((int)(i * size))..]);
        }

        return part;
    }

    private static CheckpointException Malformed(string spec, string file) =>
        CheckpointException.Corrupt(file, $"the graph restores a variable with malformed slice spec '{spec}'");
}
