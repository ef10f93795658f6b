using NServe.Core.Tensors;

namespace NServe.TensorFlow.Conversion;

/// <summary>
/// Evaluates small integer computations whose inputs are all known: the shape arithmetic TensorFlow graphs
/// build around Reshape, Transpose and friends (Shape → StridedSlice → Pack → Reshape). ONNX wants several
/// of those values as attributes, and folding them leaves the ONNX graph without the detour. Real-valued math
/// is left to ONNX Runtime, which folds it in float as TensorFlow computes it.
/// </summary>
internal static class ConstantFolding
{
    private const long MaxElements = 4096;

    private delegate ConstantTensor? Folder(NodeContext node, ConstantTensor[] inputs);

    private static readonly Dictionary<string, Folder> Folders = new(StringComparer.Ordinal)
    {
        ["Add"] = (n, i) => Binary(n, i, (a, b) => a + b),
        ["AddV2"] = (n, i) => Binary(n, i, (a, b) => a + b),
        ["Sub"] = (n, i) => Binary(n, i, (a, b) => a - b),
        ["Mul"] = (n, i) => Binary(n, i, (a, b) => a * b),
        ["Maximum"] = (n, i) => Binary(n, i, Math.Max),
        ["Minimum"] = (n, i) => Binary(n, i, Math.Min),
        ["FloorDiv"] = (n, i) => Binary(n, i, (a, b) => b == 0 ? throw new ConversionException("integer division by zero") : Math.DivRem(a, b) is var (q, r) && r != 0 && ((r < 0) != (b < 0)) ? q - 1 : q),
        ["FloorMod"] = (n, i) => Binary(n, i, (a, b) => b == 0 ? throw new ConversionException("integer division by zero") : ((a % b) + b) % b),
        ["Neg"] = (n, i) => Integers(i[0]) ? ConstantTensor.FromInt64s(i[0].DataType, i[0].Shape, i[0].ToInt64s().Select(v => -v).ToArray()) : null,
        ["Cast"] = Cast,
        ["Pack"] = Pack,
        ["ConcatV2"] = ConcatV2,
        ["StridedSlice"] = StridedSlice,
        ["Slice"] = Slice,
        ["Reshape"] = (n, i) => i[0].IsString ? null : i[0].Reshaped(ShapeOps.InferMinusOne(i[0].Shape, i[1].ToInt64s())),
        ["ExpandDims"] = ExpandDims,
        ["Squeeze"] = Squeeze,
        ["Range"] = Range,
        ["Fill"] = Fill,
        ["Prod"] = (n, i) => ReduceAll(n, i, 1, (a, b) => a * b),
        ["Sum"] = (n, i) => ReduceAll(n, i, 0, (a, b) => a + b),
        ["GatherV2"] = Gather,
    };

    /// <summary>Binds the node's output to its value when the op folds and every input is known.</summary>
    public static bool TryFold(NodeContext node)
    {
        if (!Folders.TryGetValue(node.Op, out var folder) || node.InputCount == 0)
        {
            return false;
        }

        var inputs = new ConstantTensor[node.InputCount];
        for (var i = 0; i < inputs.Length; i++)
        {
            if (node.Input(i).Constant is not { } constant || constant.ElementCount > MaxElements)
            {
                return false;
            }

            inputs[i] = constant;
        }

        var result = folder(node, inputs);
        if (result is null || result.ElementCount > MaxElements)
        {
            return false;
        }

        node.SetOutput(0, TfValue.OfConstant(result, node.Name + ":0"));
        return true;
    }

    private static bool Integers(ConstantTensor tensor) => ConstantTensor.IsInteger(tensor.DataType);

    private static ConstantTensor? Binary(NodeContext node, ConstantTensor[] inputs, Func<long, long, long> op)
    {
        if (inputs.Length != 2)
        {
            return null; // a malformed node: left to its converter, which reports it
        }

        var (a, b) = (inputs[0], inputs[1]);
        if (!Integers(a) || a.DataType != b.DataType)
        {
            return null;
        }

        var shape = Shapes.Broadcast(a.Shape, b.Shape)!;
        if (shape.Any(d => d < 0))
        {
            return null;
        }

        var left = a.ToInt64s();
        var right = b.ToInt64s();
        var count = Tensor.ElementCountOf(shape);
        var result = new long[count];
        for (long i = 0; i < count; i++)
        {
            result[i] = op(left[BroadcastIndex(i, shape, a.Shape)], right[BroadcastIndex(i, shape, b.Shape)]);
        }

        return ConstantTensor.FromInt64s(a.DataType, shape, result);
    }

    /// <summary>The element of a broadcast operand that output element <paramref name="index"/> reads.</summary>
    private static long BroadcastIndex(long index, long[] outputShape, long[] shape)
    {
        long offset = 0;
        long stride = 1;
        var rest = index;
        for (var d = outputShape.Length - 1; d >= 0; d--)
        {
            var coordinate = rest % outputShape[d];
            rest /= outputShape[d];
            var k = d - (outputShape.Length - shape.Length);
            if (k >= 0)
            {
                if (shape[k] != 1)
                {
                    offset += coordinate * stride;
                }

                stride *= shape[k];
            }
        }

        return offset;
    }

    private static ConstantTensor? Cast(NodeContext node, ConstantTensor[] inputs)
    {
        var to = node.Node.GetType("DstT");
        var input = inputs[0];
        if (input.IsString || to == TensorDataType.String)
        {
            return null;
        }

        if (ConstantTensor.IsFloating(input.DataType) && !ConstantTensor.IsFloating(to))
        {
            // Truncation toward zero, as both TensorFlow and ONNX cast.
            return ConstantTensor.FromDoubles(to, input.Shape, input.ToDoubles().Select(Math.Truncate).ToArray());
        }

        return ConstantTensor.IsFloating(to)
            ? ConstantTensor.FromDoubles(to, input.Shape, input.ToDoubles())
            : ConstantTensor.FromInt64s(to, input.Shape, input.ToInt64s());
    }

    private static ConstantTensor? Pack(NodeContext node, ConstantTensor[] inputs)
    {
        var first = inputs[0];
        if (!Integers(first) || inputs.Any(i => i.DataType != first.DataType || i.Shape.Length != 0) || node.Node.GetInt("axis", 0) is not (0 or -1))
        {
            return null; // scalars packed into a vector: the shape-building case
        }

        return ConstantTensor.FromInt64s(first.DataType, [inputs.Length], inputs.Select(i => i.ToInt64s()[0]).ToArray());
    }

    private static ConstantTensor? ConcatV2(NodeContext node, ConstantTensor[] inputs)
    {
        var values = inputs[..^1];
        var first = values[0];
        if (!Integers(first) || values.Any(v => v.DataType != first.DataType || v.Shape.Length != 1))
        {
            return null;
        }

        var all = values.SelectMany(v => v.ToInt64s()).ToArray();
        return ConstantTensor.FromInt64s(first.DataType, [all.Length], all);
    }

    private static ConstantTensor? StridedSlice(NodeContext node, ConstantTensor[] inputs)
    {
        var input = inputs[0];
        if (!Integers(input) || input.Shape.Length != 1 || inputs[1].ElementCount != 1
            || node.Node.GetInt("ellipsis_mask", 0) != 0 || node.Node.GetInt("new_axis_mask", 0) != 0)
        {
            return null;
        }

        var values = input.ToInt64s();
        var size = values.Length;
        var begin = inputs[1].ToInt64s()[0];
        var end = inputs[2].ToInt64s()[0];
        var stride = inputs[3].ToInt64s()[0];
        if (stride == 0)
        {
            return null;
        }

        if ((node.Node.GetInt("shrink_axis_mask", 0) & 1) != 0)
        {
            var index = begin < 0 ? begin + size : begin;
            return index < 0 || index >= size ? null : ConstantTensor.FromInt64s(input.DataType, [], [values[index]]);
        }

        var fromStart = (node.Node.GetInt("begin_mask", 0) & 1) != 0;
        var toEnd = (node.Node.GetInt("end_mask", 0) & 1) != 0;
        var result = new List<long>();
        if (stride > 0)
        {
            var b = fromStart ? 0 : Math.Clamp(begin < 0 ? begin + size : begin, 0, size);
            var e = toEnd ? size : Math.Clamp(end < 0 ? end + size : end, 0, size);
            for (var i = b; i < e; i += stride)
            {
                result.Add(values[i]);
            }
        }
        else
        {
            var b = fromStart ? size - 1 : Math.Clamp(begin < 0 ? begin + size : begin, -1, size - 1);
            var e = toEnd ? -1 : Math.Clamp(end < 0 ? end + size : end, -1, size - 1);
            for (var i = b; i > e; i += stride)
            {
                result.Add(values[i]);
            }
        }

        return ConstantTensor.FromInt64s(input.DataType, [result.Count], [.. result]);
    }

    private static ConstantTensor? Slice(NodeContext node, ConstantTensor[] inputs)
    {
        var input = inputs[0];
        if (!Integers(input) || input.Shape.Length != 1)
        {
            return null;
        }

        var values = input.ToInt64s();
        var begin = inputs[1].ToInt64s()[0];
        var size = inputs[2].ToInt64s()[0];
        var length = size < 0 ? values.Length - begin : size;
        if (begin < 0 || length < 0 || begin + length > values.Length)
        {
            return null;
        }

        return ConstantTensor.FromInt64s(input.DataType, [length], values.AsSpan((int)begin, (int)length));
    }

    private static ConstantTensor? ExpandDims(NodeContext node, ConstantTensor[] inputs)
    {
        var input = inputs[0];
        var axis = inputs[1].ToInt64s()[0];
        var rank = input.Shape.Length;
        var position = (int)(axis < 0 ? axis + rank + 1 : axis);
        if (input.IsString || position < 0 || position > rank)
        {
            return null;
        }

        return input.Reshaped([.. input.Shape[..position], 1, .. input.Shape[position..]]);
    }

    private static ConstantTensor? Squeeze(NodeContext node, ConstantTensor[] inputs)
    {
        var input = inputs[0];
        if (input.IsString)
        {
            return null;
        }

        var axes = node.Node.GetInts("squeeze_dims", node.Node.GetInts("axis", []));
        var rank = input.Shape.Length;
        var removed = axes.Length == 0
            ? Enumerable.Range(0, rank).Where(i => input.Shape[i] == 1).ToHashSet()
            : axes.Select(a => Shapes.NormalizeAxis(a, rank)).ToHashSet();
        return input.Reshaped(input.Shape.Where((_, i) => !removed.Contains(i)).ToArray());
    }

    private static ConstantTensor? Range(NodeContext node, ConstantTensor[] inputs)
    {
        if (!inputs.All(Integers))
        {
            return null;
        }

        var (start, limit, delta) = (inputs[0].ToInt64s()[0], inputs[1].ToInt64s()[0], inputs[2].ToInt64s()[0]);
        if (delta == 0)
        {
            return null;
        }

        var count = Math.Max(0, (limit - start + delta - Math.Sign(delta)) / delta);
        if (count > MaxElements)
        {
            return null;
        }

        var values = new long[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = start + (i * delta);
        }

        return ConstantTensor.FromInt64s(node.Node.GetType("Tidx", inputs[0].DataType), [count], values);
    }

    private static ConstantTensor? Fill(NodeContext node, ConstantTensor[] inputs)
    {
        var dims = inputs[0].ToInt64s();
        var value = inputs[1];
        if (!Integers(value) || dims.Any(d => d < 0) || dims.Aggregate(1L, (a, b) => a * b) > MaxElements)
        {
            return null;
        }

        var count = dims.Aggregate(1L, (a, b) => a * b);
        return ConstantTensor.FromInt64s(value.DataType, dims, Enumerable.Repeat(value.ToInt64s()[0], (int)count).ToArray());
    }

    // Integer reductions of a vector over its only axis (the element count of a shape, for instance).
    private static ConstantTensor? ReduceAll(NodeContext node, ConstantTensor[] inputs, long seed, Func<long, long, long> op)
    {
        var input = inputs[0];
        var axes = inputs[1].ToInt64s();
        if (!Integers(input) || input.Shape.Length != 1 || axes is not ([0] or [-1]) || node.Node.GetBool("keep_dims", false))
        {
            return null;
        }

        return ConstantTensor.FromInt64s(input.DataType, [], [input.ToInt64s().Aggregate(seed, op)]);
    }

    private static ConstantTensor? Gather(NodeContext node, ConstantTensor[] inputs)
    {
        var parameters = inputs[0];
        if (!Integers(parameters) || parameters.Shape.Length != 1 || inputs[2].ToInt64s()[0] != 0 || node.Node.GetInt("batch_dims", 0) != 0)
        {
            return null;
        }

        var values = parameters.ToInt64s();
        var indices = inputs[1].ToInt64s();
        if (indices.Any(i => i < 0 || i >= values.Length))
        {
            return null;
        }

        return ConstantTensor.FromInt64s(parameters.DataType, inputs[1].Shape, indices.Select(i => values[i]).ToArray());
    }
}
