using NServe.Core.Tensors;

namespace NServe.TensorFlow.Conversion;

/// <summary>
/// Shape and layout: Reshape, Squeeze, ExpandDims, Transpose, BroadcastTo, Shape/ShapeN/Size/Rank.
/// Shape queries on fully known shapes become constants, so the shape arithmetic after them folds.
/// </summary>
internal static class ShapeOps
{
    public static void Register(OpConverterRegistry registry)
    {
        registry.Add("Reshape", Reshape);
        registry.Add("Squeeze", Squeeze);
        registry.Add("ExpandDims", ExpandDims);
        registry.Add(["Transpose", "ConjugateTranspose"], Transpose);
        registry.Add("BroadcastTo", BroadcastTo);
        registry.Add("Shape", Shape);
        registry.Add("ShapeN", ShapeN);
        registry.Add("Size", Size);
        registry.Add("Rank", Rank);
    }

    private static void Reshape(NodeContext node)
    {
        var input = node.Input(0);
        var shapeValue = node.Input(1);
        long[]? shape = null;
        if (shapeValue.Constant is { } constant)
        {
            shape = constant.ToInt64s();
            shape = InferMinusOne(input.Shape, shape);
        }
        else if (shapeValue.Shape is [var length] && length >= 0)
        {
            shape = Shapes.UnknownDims((int)length);
        }

        // TensorFlow has no "0 copies the input dim" rule: allowzero keeps a 0 a zero-size dimension.
        node.EmitOutput(0, "Reshape", [node.In(0), node.InInt64(1)], input.DataType, shape, n => n.Attribute("allowzero", 1L));
    }

    /// <summary>Resolves a -1 in a target shape when the element count is known.</summary>
    public static long[] InferMinusOne(long[]? inputShape, long[] target)
    {
        var unknown = Array.IndexOf(target, -1L);
        if (unknown < 0 || !Shapes.IsFullyKnown(inputShape) || target.Count(d => d < 0) != 1)
        {
            return target;
        }

        var total = inputShape!.Aggregate(1L, (a, b) => a * b);
        var known = target.Where(d => d >= 0).Aggregate(1L, (a, b) => a * b);
        if (known == 0 || total % known != 0)
        {
            return target;
        }

        var result = (long[])target.Clone();
        result[unknown] = total / known;
        return result;
    }

    private static void Squeeze(NodeContext node)
    {
        var input = node.Input(0);
        var axes = node.Node.GetInts("squeeze_dims", node.Node.GetInts("axis", []));
        long[]? shape = null;
        if (input.Shape is { } inputShape)
        {
            if (axes.Length == 0)
            {
                shape = inputShape.Any(d => d < 0) ? null : inputShape.Where(d => d != 1).ToArray();
            }
            else
            {
                var removed = axes.Select(a => Shapes.NormalizeAxis(a, inputShape.Length)).ToHashSet();
                shape = inputShape.Where((_, i) => !removed.Contains(i)).ToArray();
            }
        }

        // No axes: ONNX, like TensorFlow, removes every dimension of size 1.
        string[] inputs = axes.Length == 0 ? [node.In(0)] : [node.In(0), node.Scope.Int64s(axes)];
        node.EmitOutput(0, "Squeeze", inputs, input.DataType, shape);
    }

    private static void ExpandDims(NodeContext node)
    {
        var input = node.Input(0);
        var axisValue = node.Input(1);
        string axes;
        long[]? shape = null;
        if (axisValue.Constant is { } constant)
        {
            var axis = constant.ToInt64s() is [var only] ? only : throw new ConversionException("ExpandDims takes one axis");
            axes = node.Scope.Int64s(axis);
            if (input.Shape is { } inputShape)
            {
                // A negative axis counts from the end of the output, in TensorFlow as in ONNX Unsqueeze.
                var position = (int)(axis < 0 ? axis + inputShape.Length + 1 : axis);
                if (position < 0 || position > inputShape.Length)
                {
                    throw new ConversionException($"axis {axis} is out of range for rank {inputShape.Length}");
                }

                shape = [.. inputShape[..position], 1, .. inputShape[position..]];
            }
        }
        else
        {
            axes = node.Emit("Reshape", [node.InInt64(1), node.Scope.Int64s(1)]);
            shape = Shapes.UnknownDims(input.Rank + 1);
        }

        node.EmitOutput(0, "Unsqueeze", [node.In(0), axes], input.DataType, shape);
    }

    private static void Transpose(NodeContext node)
    {
        var input = node.Input(0);
        var perm = node.ConstantInput(1, "the permutation").ToInt64s();
        var rank = input.Rank ?? perm.Length;
        perm = perm.Select(p => (long)Shapes.NormalizeAxis(p, rank)).ToArray();
        var shape = input.Shape is { } s && s.Length == perm.Length ? perm.Select(p => s[p]).ToArray() : Shapes.UnknownDims(perm.Length);
        node.EmitOutput(0, "Transpose", [node.In(0)], input.DataType, shape, n => n.Attribute("perm", perm));
    }

    private static void BroadcastTo(NodeContext node)
    {
        var input = node.Input(0);
        long[]? shape = node.Input(1).Constant is { } constant ? Shapes.Broadcast(input.Shape ?? [], constant.ToInt64s()) : null;
        node.EmitOutput(0, "Expand", [node.In(0), node.InInt64(1)], input.DataType, shape);
    }

    private static void Shape(NodeContext node) => ShapeOf(node, 0, node.Input(0));

    private static void ShapeN(NodeContext node)
    {
        for (var i = 0; i < node.InputCount; i++)
        {
            ShapeOf(node, i, node.Input(i));
        }
    }

    private static void ShapeOf(NodeContext node, int output, TfValue input)
    {
        var outType = node.Node.GetType("out_type", TensorDataType.Int32);
        if (Shapes.IsFullyKnown(input.Shape))
        {
            node.SetOutput(output, TfValue.OfConstant(ConstantTensor.FromInt64s(outType, [input.Shape!.Length], input.Shape), $"{node.Name}:{output}"));
            return;
        }

        long[]? shape = input.Rank is { } rank ? [rank] : [-1];
        var name = node.Scope.Use(input);
        if (outType == TensorDataType.Int64)
        {
            node.EmitOutput(output, "Shape", [name], outType, shape);
            return;
        }

        KernelTypes.OutputAs(node, output, node.Emit("Shape", [name]), TensorDataType.Int64, outType, shape);
    }

    private static void Size(NodeContext node)
    {
        var input = node.Input(0);
        var outType = node.Node.GetType("out_type", TensorDataType.Int32);
        if (Shapes.IsFullyKnown(input.Shape))
        {
            var count = input.Shape!.Aggregate(1L, (a, b) => a * b);
            node.SetOutput(0, TfValue.OfConstant(ConstantTensor.FromInt64s(outType, [], [count]), node.Name + ":0"));
            return;
        }

        KernelTypes.OutputAs(node, 0, node.Emit("Size", [node.In(0)]), TensorDataType.Int64, outType, []);
    }

    private static void Rank(NodeContext node)
    {
        var input = node.Input(0);
        if (input.Rank is { } rank)
        {
            node.SetOutput(0, TfValue.OfConstant(ConstantTensor.FromInt64s(TensorDataType.Int32, [], [rank]), node.Name + ":0"));
            return;
        }

        var size = node.Emit("Size", [node.Emit("Shape", [node.In(0)])]);
        KernelTypes.OutputAs(node, 0, size, TensorDataType.Int64, TensorDataType.Int32, []);
    }
}
