using NServe.Core.Tensors;
using Tensorflow;

namespace NServe.TensorFlow.Checkpoint;

/// <summary>
/// Rebuilds a partitioned variable: its entry carries the full dtype and shape plus the list of slices, and each
/// slice's values are stored as an ordinary entry under <see cref="CheckpointSliceKey"/>. The slices must
/// tile the whole tensor without overlapping, as TensorFlow's <c>TensorSliceSet</c> requires.
/// </summary>
internal static class PartitionedTensorAssembler
{
    /// <summary>
    /// <paramref name="readSlice"/> returns the stored slice tensor for an encoded slice key and its expected
    /// shape, or null when the checkpoint holds no entry under that key.
    /// </summary>
    public static Tensor Assemble(
        string key, BundleEntryProto full, TensorDataType dataType, long[] shape, string indexPath,
        Func<byte[], long[], Tensor?> readSlice)
    {
        var slices = full.Slices.Select(proto => SliceOf(key, proto, shape, indexPath)).ToList();
        CheckTiling(key, slices, shape, indexPath);

        var total = Tensor.ElementCountOf(shape);
        var elementSize = dataType == TensorDataType.String ? 0 : TensorDataTypes.ElementSize(dataType);
        var strings = dataType == TensorDataType.String ? new byte[total][] : null;
        var bytes = strings is null ? GC.AllocateUninitializedArray<byte>(checked((int)(total * elementSize))) : null;

        foreach (var slice in slices)
        {
            var sliceKey = CheckpointSliceKey.Encode(key, slice.KeyStarts, slice.KeyLengths);
            using var part = readSlice(sliceKey, slice.Lengths) ?? throw CheckpointException.Corrupt(
                indexPath, $"partitioned variable '{key}' lists slice {slice} but the index holds no entry for it");
            if (part.DataType != dataType)
            {
                throw CheckpointException.Corrupt(
                    indexPath,
                    $"slice {slice} of '{key}' is {TensorDataTypes.TfName(part.DataType)}, the variable {TensorDataTypes.TfName(dataType)}");
            }

            var run = slice.Lengths[^1];
            foreach (var (source, destination) in Rows(shape, slice))
            {
                if (strings is not null)
                {
                    Array.Copy(part.Strings, source, strings, destination, run);
                }
                else
                {
                    part.Bytes.Span.Slice((int)(source * elementSize), (int)(run * elementSize))
                        .CopyTo(bytes.AsSpan((int)(destination * elementSize)));
                }
            }
        }

        return strings is not null
            ? Tensor.FromStrings(shape, strings)
            : Tensor.FromBuffer(dataType, shape, new ArrayTensorBuffer(bytes!));
    }

    private static Slice SliceOf(string key, TensorSliceProto proto, long[] shape, string indexPath)
    {
        if (proto.Extent.Count != shape.Length || shape.Length == 0)
        {
            throw CheckpointException.Corrupt(
                indexPath, $"a slice of '{key}' has {proto.Extent.Count} dimensions; the variable has shape {BundleEntryDecoder.ShapeText(shape)}");
        }

        var slice = new Slice(new long[shape.Length], new long[shape.Length], new long[shape.Length], new long[shape.Length]);
        for (var d = 0; d < shape.Length; d++)
        {
            var extent = proto.Extent[d];
            slice.KeyStarts[d] = extent.HasLength ? extent.Start : 0;
            slice.KeyLengths[d] = extent.HasLength ? extent.Length : CheckpointSliceKey.FullExtent;
            slice.Starts[d] = slice.KeyStarts[d];
            slice.Lengths[d] = extent.HasLength ? extent.Length : shape[d];
            if (slice.Starts[d] < 0 || slice.Lengths[d] < 0 || slice.Starts[d] > shape[d] - slice.Lengths[d])
            {
                throw CheckpointException.Corrupt(
                    indexPath, $"slice {slice} of '{key}' lies outside its shape {BundleEntryDecoder.ShapeText(shape)}");
            }
        }

        return slice;
    }

    // Non-overlapping slices whose sizes add up to the whole cover every element exactly once.
    private static void CheckTiling(string key, List<Slice> slices, long[] shape, string indexPath)
    {
        long covered = 0;
        for (var i = 0; i < slices.Count; i++)
        {
            covered += Tensor.ElementCountOf(slices[i].Lengths);
            for (var j = 0; j < i; j++)
            {
                if (slices[i].Overlaps(slices[j]))
                {
                    throw CheckpointException.Corrupt(indexPath, $"slices {slices[j]} and {slices[i]} of '{key}' overlap");
                }
            }
        }

        if (covered != Tensor.ElementCountOf(shape))
        {
            throw CheckpointException.Corrupt(
                indexPath,
                $"the slices of partitioned variable '{key}' cover {covered} of its {Tensor.ElementCountOf(shape)} elements");
        }
    }

    /// <summary>Element offsets (in the slice, in the full tensor) of each contiguous innermost row of a slice.</summary>
    private static IEnumerable<(long Source, long Destination)> Rows(long[] shape, Slice slice)
    {
        var rank = shape.Length;
        if (slice.Lengths.Any(length => length == 0))
        {
            yield break;
        }

        var index = new long[rank - 1];
        long source = 0;
        while (true)
        {
            long destination = 0;
            for (var d = 0; d < rank; d++)
            {
                destination = (destination * shape[d]) + slice.Starts[d] + (d < rank - 1 ? index[d] : 0);
            }

            yield return (source, destination);
            source += slice.Lengths[^1];

            var carry = rank - 2;
            while (carry >= 0 && ++index[carry] == slice.Lengths[carry])
            {
                index[carry] = 0;
                carry--;
            }

            if (carry < 0)
            {
                yield break;
            }
        }
    }

    private sealed record Slice(long[] Starts, long[] Lengths, long[] KeyStarts, long[] KeyLengths)
    {
        public bool Overlaps(Slice other)
        {
            for (var d = 0; d < Starts.Length; d++)
            {
                if (Starts[d] >= other.Starts[d] + other.Lengths[d] || other.Starts[d] >= Starts[d] + Lengths[d])
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>TensorFlow's slice notation: <c>start,length</c> per dimension, <c>-</c> for a whole one.</summary>
        public override string ToString() => string.Join(
            ":", KeyStarts.Select((start, d) => KeyLengths[d] == CheckpointSliceKey.FullExtent ? "-" : $"{start},{KeyLengths[d]}"));
    }
}
