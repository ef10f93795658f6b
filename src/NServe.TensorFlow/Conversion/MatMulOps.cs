using NServe.Core.Tensors;

namespace NServe.TensorFlow.Conversion;

/// <summary>MatMul, BatchMatMul(V2/V3) and BiasAdd.</summary>
internal static class MatMulOps
{
    public static void Register(OpConverterRegistry registry)
    {
        registry.Add("MatMul", node => MatMul(node, node.Node.GetBool("transpose_a", false), node.Node.GetBool("transpose_b", false)));
        registry.Add(["BatchMatMul", "BatchMatMulV2", "BatchMatMulV3"], node => MatMul(node, node.Node.GetBool("adj_x", false), node.Node.GetBool("adj_y", false)));
        registry.Add(["BiasAdd", "BiasAddV1"], BiasAdd);
        registry.Add("Einsum", Einsum);
    }

    // ONNX Einsum reads the same equation language (lower-case letters, "..." for broadcast dims).
    private static void Einsum(NodeContext node)
    {
        var equation = node.Node.GetString("equation", "");
        if (equation.Length == 0)
        {
            throw new ConversionException("the equation is empty");
        }

        var type = node.T;
        var compute = KernelTypes.Arithmetic(type);
        var inputs = Enumerable.Range(0, node.InputCount).Select(i => KernelTypes.InputAs(node, i, compute)).ToArray();
        KernelTypes.OutputAs(node, 0, node.Emit("Einsum", inputs, n => n.Attribute("equation", equation)), compute, type, null);
    }

    private static void MatMul(NodeContext node, bool transposeA, bool transposeB)
    {
        var a = node.Input(0);
        var b = node.Input(1);
        // BatchMatMulV3 may mix input types and name the output type; the rest compute in T.
        var outputType = node.Node.GetType("Tout", node.Node.GetType("T", a.DataType));
        var compute = KernelTypes.Arithmetic(outputType);
        var left = Operand(node, 0, transposeA, compute);
        var right = Operand(node, 1, transposeB, compute);
        var shape = ResultShape(Transposed(a.Shape, transposeA), Transposed(b.Shape, transposeB));
        if (compute == outputType)
        {
            node.EmitOutput(0, "MatMul", [left, right], outputType, shape);
            return;
        }

        KernelTypes.OutputAs(node, 0, node.Emit("MatMul", [left, right]), compute, outputType, shape);
    }

    private static string Operand(NodeContext node, int index, bool transpose, TensorDataType compute)
    {
        var value = KernelTypes.InputAs(node, index, compute);
        if (!transpose)
        {
            return value;
        }

        var rank = node.Input(index).Rank
            ?? throw new ConversionException($"transposing input {index} needs its rank, which is unknown");
        if (rank < 2)
        {
            throw new ConversionException($"input {index} has rank {rank}; a matrix product needs rank 2 or more");
        }

        var perm = Enumerable.Range(0, rank).Select(i => (long)i).ToArray();
        (perm[rank - 2], perm[rank - 1]) = (perm[rank - 1], perm[rank - 2]);
        return node.Emit("Transpose", [value], n => n.Attribute("perm", perm));
    }

    private static long[]? Transposed(long[]? shape, bool transpose)
    {
        if (shape is null || !transpose || shape.Length < 2)
        {
            return shape;
        }

        var result = (long[])shape.Clone();
        (result[^2], result[^1]) = (result[^1], result[^2]);
        return result;
    }

    private static long[]? ResultShape(long[]? a, long[]? b)
    {
        if (a is null || b is null || a.Length < 2 || b.Length < 2)
        {
            return null;
        }

        var batch = Shapes.Broadcast(a[..^2], b[..^2])!;
        return [.. batch, a[^2], b[^1]];
    }

    private static void BiasAdd(NodeContext node)
    {
        var value = node.Input(0);
        var type = node.T;
        var wide = KernelTypes.Arithmetic(type);
        var x = KernelTypes.InputAs(node, 0, wide);
        var bias = KernelTypes.InputAs(node, 1, wide);
        if (node.Node.GetString("data_format", "NHWC") == "NCHW")
        {
            // The bias runs along dimension 1: shape it [C, 1, ..., 1] to broadcast against [N, C, ...].
            var rank = value.Rank ?? throw new ConversionException("BiasAdd with data_format NCHW needs the input rank, which is unknown");
            if (rank > 2)
            {
                bias = node.Emit("Unsqueeze", [bias, node.Scope.Int64s(Enumerable.Range(1, rank - 2).Select(i => (long)i).ToArray())]);
            }
        }

        if (wide == type)
        {
            node.EmitOutput(0, "Add", [x, bias], type, value.Shape);
            return;
        }

        KernelTypes.OutputAs(node, 0, node.Emit("Add", [x, bias]), wide, type, value.Shape);
    }
}
