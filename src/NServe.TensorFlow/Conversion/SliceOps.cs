namespace NServe.TensorFlow.Conversion;

/// <summary>
/// Slice and StridedSlice. A StridedSlice spec becomes ONNX Slice (over the dims it consumes), Squeeze
/// (shrink_axis_mask) and Unsqueeze (new_axis_mask). Spec entries after an ellipsis address dims from the
/// end with negative axes, so the input rank need not be known. Strides must be constant (their signs
/// decide what a masked begin or end means); begin and end may be computed at run time.
/// </summary>
internal static class SliceOps
{
    public static void Register(OpConverterRegistry registry)
    {
        registry.Add("Slice", Slice);
        registry.Add("StridedSlice", StridedSlice);
    }

    private static void Slice(NodeContext node)
    {
        var input = node.Input(0);
        var begin = node.Input(1);
        var size = node.Input(2);
        string ends;
        long[]? shape = null;
        if (begin.Constant is { } beginConstant && size.Constant is { } sizeConstant)
        {
            var b = beginConstant.ToInt64s();
            var s = sizeConstant.ToInt64s();
            ends = node.Scope.Int64s(b.Select((v, i) => s[i] < 0 ? long.MaxValue : v + s[i]).ToArray());
            shape = s.Select((v, i) => v >= 0 ? v : input.Shape is { } dims && dims.Length == s.Length && dims[i] >= 0 ? dims[i] - b[i] : -1).ToArray();
        }
        else
        {
            // size -1 means "to the end".
            var starts = node.InInt64(1);
            var sizes = node.InInt64(2);
            var toEnd = node.Emit("Less", [sizes, node.Scope.Int64Scalar(0)]);
            ends = node.Emit("Where", [toEnd, node.Scope.Int64Scalar(long.MaxValue), node.Emit("Add", [starts, sizes])]);
            shape = Shapes.UnknownDims(input.Rank);
        }

        node.EmitOutput(0, "Slice", [node.In(0), node.InInt64(1), ends], input.DataType, shape);
    }

    private static void StridedSlice(NodeContext node)
    {
        var input = node.Input(0);
        var strides = node.ConstantInput(3, "strides").ToInt64s();
        var beginMask = node.Node.GetInt("begin_mask", 0);
        var endMask = node.Node.GetInt("end_mask", 0);
        var ellipsisMask = node.Node.GetInt("ellipsis_mask", 0);
        var newAxisMask = node.Node.GetInt("new_axis_mask", 0);
        var shrinkMask = node.Node.GetInt("shrink_axis_mask", 0);
        if (long.PopCount(ellipsisMask) > 1)
        {
            throw new ConversionException("more than one ellipsis in the slice spec");
        }

        var count = strides.Length;
        var ellipsisAt = ellipsisMask == 0 ? count : (int)long.TrailingZeroCount(ellipsisMask);
        var begin = new Bound(node, 1);
        var end = new Bound(node, 2);

        // Dims consumed by spec entries after the ellipsis are addressed from the end: -k .. -1.
        var consumedAfter = 0;
        for (var i = ellipsisAt + 1; i < count; i++)
        {
            if ((newAxisMask & (1L << i)) == 0)
            {
                consumedAfter++;
            }
        }

        var axes = new List<long>();
        var starts = new List<Piece>();
        var ends = new List<Piece>();
        var steps = new List<long>();
        var squeezeAxes = new List<long>();
        var newAxesBefore = new List<long>();
        var newAxesAfter = new List<int>();
        var outputDimsBefore = 0;
        var inputDim = 0L;
        for (var i = 0; i < count; i++)
        {
            var bit = 1L << i;
            if (i == ellipsisAt)
            {
                inputDim = -consumedAfter;
                continue;
            }

            var afterEllipsis = i > ellipsisAt;
            if ((newAxisMask & bit) != 0)
            {
                if (afterEllipsis)
                {
                    newAxesAfter.Add(i);
                }
                else
                {
                    newAxesBefore.Add(outputDimsBefore + newAxesBefore.Count);
                }

                continue;
            }

            var axis = inputDim++;
            var stride = strides[i];
            if (stride == 0)
            {
                throw new ConversionException("a stride is 0");
            }

            if ((shrinkMask & bit) != 0)
            {
                // One element at begin: [b, b + 1), where b = -1 must end at the dimension's end.
                // A masked begin means the first element (last, for a negative stride).
                var masked = (beginMask & bit) != 0;
                axes.Add(axis);
                starts.Add(masked ? Piece.Of(stride > 0 ? 0 : -1) : begin.At(i));
                ends.Add(masked ? Piece.Of(stride > 0 ? 1 : long.MaxValue) : begin.NextAfter(i));
                steps.Add(1);
                squeezeAxes.Add(axis);
                continue;
            }

            if (!afterEllipsis)
            {
                outputDimsBefore++;
            }

            var fromStart = (beginMask & bit) != 0;
            var toEnd = (endMask & bit) != 0;
            if (fromStart && toEnd && stride == 1)
            {
                continue; // the whole dimension: nothing to slice
            }

            axes.Add(axis);
            starts.Add(fromStart ? Piece.Of(stride > 0 ? 0 : long.MaxValue) : begin.At(i));
            ends.Add(toEnd ? Piece.Of(stride > 0 ? long.MaxValue : long.MinValue) : end.At(i));
            steps.Add(stride);
        }

        var value = node.In(0);
        if (axes.Count > 0)
        {
            value = node.Emit("Slice", [value, Piece.Join(node, starts), Piece.Join(node, ends), node.Scope.Int64s([.. axes]), node.Scope.Int64s([.. steps])]);
        }

        if (squeezeAxes.Count > 0)
        {
            value = node.Emit("Squeeze", [value, node.Scope.Int64s([.. squeezeAxes])]);
        }

        // New axes after the ellipsis count from the end of the output: -(output dims from there on).
        var unsqueezeAxes = new List<long>(newAxesBefore);
        foreach (var entry in newAxesAfter)
        {
            var fromEnd = 0;
            for (var j = entry; j < count; j++)
            {
                if ((shrinkMask & (1L << j)) == 0 || (newAxisMask & (1L << j)) != 0)
                {
                    fromEnd++;
                }
            }

            unsqueezeAxes.Add(-fromEnd);
        }

        if (unsqueezeAxes.Count > 0)
        {
            value = node.Emit("Unsqueeze", [value, node.Scope.Int64s([.. unsqueezeAxes])]);
        }

        var shape = OutputShape(input.Shape, strides, begin, end, beginMask, endMask, ellipsisAt, newAxisMask, shrinkMask);
        node.SetOutput(0, value == node.In(0) ? node.Input(0) : TfValue.Of(value, input.DataType, shape));
    }

    /// <summary>The output shape, when the input shape and the bounds are known (TensorFlow's canonicalization).</summary>
    private static long[]? OutputShape(long[]? inputShape, long[] strides, Bound begin, Bound end, long beginMask, long endMask, int ellipsisAt, long newAxisMask, long shrinkMask)
    {
        if (inputShape is null)
        {
            return null;
        }

        var count = strides.Length;
        var consumed = Enumerable.Range(0, count).Count(i => i != ellipsisAt && (newAxisMask & (1L << i)) == 0);
        var ellipsisDims = inputShape.Length - consumed;
        if (ellipsisDims < 0)
        {
            return null;
        }

        var result = new List<long>();
        var dim = 0;
        for (var i = 0; i < count; i++)
        {
            var bit = 1L << i;
            if (i == ellipsisAt)
            {
                result.AddRange(inputShape.Skip(dim).Take(ellipsisDims));
                dim += ellipsisDims;
                continue;
            }

            if ((newAxisMask & bit) != 0)
            {
                result.Add(1);
                continue;
            }

            var size = inputShape[dim++];
            if ((shrinkMask & bit) != 0)
            {
                continue;
            }

            result.Add(SliceLength(size, begin.Constant(i), end.Constant(i), strides[i], (beginMask & bit) != 0, (endMask & bit) != 0));
        }

        if (ellipsisAt == count)
        {
            result.AddRange(inputShape.Skip(dim));
        }

        return [.. result];
    }

    private static long SliceLength(long size, long? begin, long? end, long stride, bool fromStart, bool toEnd)
    {
        if (size < 0 || (!fromStart && begin is null) || (!toEnd && end is null))
        {
            return -1;
        }

        static long Clamp(long v, long size, long low, long high) => Math.Clamp(v < 0 ? v + size : v, low, high);
        if (stride > 0)
        {
            var b = fromStart ? 0 : Clamp(begin!.Value, size, 0, size);
            var e = toEnd ? size : Clamp(end!.Value, size, 0, size);
            return Math.Max(0, (e - b + stride - 1) / stride);
        }
        else
        {
            var b = fromStart ? size - 1 : Clamp(begin!.Value, size, -1, size - 1);
            var e = toEnd ? -1 : Clamp(end!.Value, size, -1, size - 1);
            return Math.Max(0, (b - e + (-stride) - 1) / (-stride));
        }
    }

    /// <summary>A begin or end input: constant entries are read, run-time ones are sliced out one by one.</summary>
    private sealed class Bound(NodeContext node, int index)
    {
        private readonly long[]? _values = node.Input(index).Constant?.ToInt64s();

        public long? Constant(int entry) => _values?[entry];

        public Piece At(int entry)
            => _values is not null
                ? Piece.Of(_values[entry])
                : Piece.Dynamic(node.Emit("Slice", [node.InInt64(index), node.Scope.Int64s(entry), node.Scope.Int64s(entry + 1)]));

        /// <summary>begin + 1, except that -1 + 1 would be 0 (an empty slice): the end of the dimension instead.</summary>
        public Piece NextAfter(int entry)
        {
            if (_values is not null)
            {
                return Piece.Of(_values[entry] == -1 ? long.MaxValue : _values[entry] + 1);
            }

            var start = At(entry).Name!;
            var isLast = node.Emit("Equal", [start, node.Scope.Int64s(-1)]);
            return Piece.Dynamic(node.Emit("Where", [isLast, node.Scope.Int64s(long.MaxValue), node.Emit("Add", [start, node.Scope.Int64s(1)])]));
        }
    }

    /// <summary>One entry of a starts/ends vector: a known number or a one-element int64 tensor.</summary>
    private readonly record struct Piece(long Value, string? Name)
    {
        public static Piece Of(long value) => new(value, null);

        public static Piece Dynamic(string name) => new(0, name);

        public static string Join(NodeContext node, List<Piece> pieces)
        {
            if (pieces.All(p => p.Name is null))
            {
                return node.Scope.Int64s(pieces.Select(p => p.Value).ToArray());
            }

            var parts = pieces.Select(p => p.Name ?? node.Scope.Int64s(p.Value)).ToArray();
            return parts.Length == 1 ? parts[0] : node.Emit("Concat", parts, n => n.Attribute("axis", 0L));
        }
    }
}
