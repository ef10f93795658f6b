namespace NServe.TensorFlow.Conversion;

/// <summary>ConcatV2/Concat, Pack/Unpack, Split/SplitV. Axes may be negative, as in ONNX.</summary>
internal static class ConcatSplitOps
{
    public static void Register(OpConverterRegistry registry)
    {
        registry.Add("ConcatV2", node => Concat(node, axisIndex: node.InputCount - 1, firstValue: 0));
        registry.Add("Concat", node => Concat(node, axisIndex: 0, firstValue: 1));
        registry.Add("Pack", Pack);
        registry.Add("Unpack", Unpack);
        registry.Add("Split", node => Split(node, valueIndex: 1, axisIndex: 0));
        registry.Add("SplitV", SplitV);
    }

    private static void Concat(NodeContext node, int axisIndex, int firstValue)
    {
        var axis = ScalarAxis(node, axisIndex);
        var count = node.InputCount - 1;
        var values = Enumerable.Range(firstValue, count).Select(node.Input).ToArray();
        if (count == 1)
        {
            node.Alias(0, values[0]);
            return;
        }

        node.EmitOutput(0, "Concat", values.Select(node.Scope.Use).ToArray(), values[0].DataType, ConcatShape(values.Select(v => v.Shape).ToArray(), axis), n => n.Attribute("axis", axis));
    }

    private static long[]? ConcatShape(long[]?[] shapes, long axis)
    {
        if (shapes.Any(s => s is null) || shapes.Select(s => s!.Length).Distinct().Count() != 1)
        {
            return null;
        }

        var rank = shapes[0]!.Length;
        var position = Shapes.NormalizeAxis(axis, rank);
        var result = new long[rank];
        for (var i = 0; i < rank; i++)
        {
            if (i == position)
            {
                result[i] = shapes.Any(s => s![i] < 0) ? -1 : shapes.Sum(s => s![i]);
            }
            else
            {
                result[i] = shapes.Select(s => s![i]).FirstOrDefault(d => d >= 0, -1);
            }
        }

        return result;
    }

    private static void Pack(NodeContext node)
    {
        var axis = node.Node.GetInt("axis", 0);
        var values = node.Inputs;
        var axes = node.Scope.Int64s(axis);
        var expanded = values.Select(v => node.Emit("Unsqueeze", [node.Scope.Use(v), axes])).ToArray();
        long[]? shape = null;
        if (values[0].Shape is { } first && values.All(v => v.Rank == first.Length))
        {
            var position = (int)(axis < 0 ? axis + first.Length + 1 : axis);
            var merged = first.Select((d, i) => values.Select(v => v.Shape![i]).FirstOrDefault(x => x >= 0, -1)).ToArray();
            shape = [.. merged[..position], values.Count, .. merged[position..]];
        }

        if (expanded.Length == 1)
        {
            node.SetOutput(0, expanded[0], values[0].DataType, shape);
            return;
        }

        node.EmitOutput(0, "Concat", expanded, values[0].DataType, shape, n => n.Attribute("axis", axis));
    }

    private static void Unpack(NodeContext node)
    {
        var input = node.Input(0);
        var axis = node.Node.GetInt("axis", 0);
        var rank = input.Rank;
        var num = (int)node.Node.GetInt("num", rank is { } r && input.Shape![Shapes.NormalizeAxis(axis, r)] is var d and >= 0 ? d : -1);
        if (num < 0)
        {
            throw new ConversionException("the number of outputs is unknown");
        }

        long[]? shape = input.Shape is { } s ? s.Where((_, i) => i != Shapes.NormalizeAxis(axis, s.Length)).ToArray() : null;
        var axes = node.Scope.Int64s(axis);
        if (num == 1)
        {
            node.EmitOutput(0, "Squeeze", [node.In(0), axes], input.DataType, shape);
            return;
        }

        var parts = Enumerable.Range(0, num).Select(i => node.Temp($"part{i}")).ToArray();
        node.Scope.EmitMany("Split", [node.In(0)], parts, n => n.Attribute("axis", axis).Attribute("num_outputs", (long)num));
        for (var i = 0; i < num; i++)
        {
            var output = node.Scope.Emit("Squeeze", [parts[i], axes], node.OutputName(i));
            node.SetOutput(i, output, input.DataType, shape);
        }
    }

    private static void Split(NodeContext node, int valueIndex, int axisIndex)
    {
        var input = node.Input(valueIndex);
        var axis = ScalarAxis(node, axisIndex);
        var num = (int)node.Node.GetInt("num_split", 1);
        if (num == 1)
        {
            node.Alias(0, input);
            return;
        }

        var shape = PartShape(input.Shape, axis, num);
        var outputs = Enumerable.Range(0, num).Select(node.OutputName).ToArray();
        node.Scope.EmitMany("Split", [node.Scope.Use(input)], outputs, n => n.Attribute("axis", axis).Attribute("num_outputs", (long)num));
        for (var i = 0; i < num; i++)
        {
            node.SetOutput(i, outputs[i], input.DataType, shape);
        }
    }

    private static long[]? PartShape(long[]? shape, long axis, long parts)
    {
        if (shape is null)
        {
            return null;
        }

        var result = (long[])shape.Clone();
        var position = Shapes.NormalizeAxis(axis, shape.Length);
        result[position] = result[position] >= 0 ? result[position] / parts : -1;
        return result;
    }

    private static void SplitV(NodeContext node)
    {
        var input = node.Input(0);
        var axis = ScalarAxis(node, 2);
        var sizes = node.ConstantInput(1, "size_splits").ToInt64s();
        var num = sizes.Length;
        if (num == 1)
        {
            node.Alias(0, input);
            return;
        }

        var rank = input.Rank;
        var dim = rank is { } r ? input.Shape![Shapes.NormalizeAxis(axis, r)] : -1;
        var inferred = Array.IndexOf(sizes, -1L);
        string splits;
        if (inferred < 0)
        {
            splits = node.Scope.Int64s(sizes);
        }
        else if (dim >= 0)
        {
            sizes[inferred] = dim - sizes.Where(s => s >= 0).Sum();
            splits = node.Scope.Int64s(sizes);
        }
        else
        {
            // The -1 part is whatever the others leave of the dimension, known only at run time.
            var total = node.Emit("Gather", [node.Emit("Shape", [node.In(0)]), node.Scope.Int64s(axis)], n => n.Attribute("axis", 0L));
            var rest = node.Emit("Sub", [total, node.Scope.Int64s(sizes.Where(s => s >= 0).Sum())]);
            var pieces = sizes.Select(s => s >= 0 ? node.Scope.Int64s(s) : rest).ToArray();
            splits = node.Emit("Concat", pieces, n => n.Attribute("axis", 0L));
        }

        var outputs = Enumerable.Range(0, num).Select(node.OutputName).ToArray();
        node.Scope.EmitMany("Split", [node.In(0), splits], outputs, n => n.Attribute("axis", axis));
        for (var i = 0; i < num; i++)
        {
            long[]? shape = input.Shape is { } s ? (long[])s.Clone() : null;
            if (shape is not null)
            {
                shape[Shapes.NormalizeAxis(axis, shape.Length)] = sizes[i];
            }

            node.SetOutput(i, outputs[i], input.DataType, shape);
        }
    }

    /// <summary>A constant scalar (or one-element) axis input.</summary>
    public static long ScalarAxis(NodeContext node, int index)
        => node.ConstantInput(index, "the axis").ToInt64s() is [var axis] ? axis : throw new ConversionException("the axis must be a single value");
}
