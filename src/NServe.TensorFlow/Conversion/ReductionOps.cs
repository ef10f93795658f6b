using NServe.Core.Tensors;

namespace NServe.TensorFlow.Conversion;

/// <summary>
/// Sum, Mean, Max, Min, Prod, All, Any, EuclideanNorm. The axes come as a tensor (scalar or vector,
/// negative allowed), which opset-18 reductions take as an input; TensorFlow reduces nothing when the
/// axes are empty, hence <c>noop_with_empty_axes = 1</c>.
/// </summary>
internal static class ReductionOps
{
    public static void Register(OpConverterRegistry registry)
    {
        registry.Add("Sum", node => Reduce(node, "ReduceSum", KernelTypes.Arithmetic(node.T)));
        registry.Add("Mean", node => Reduce(node, "ReduceMean", KernelTypes.Arithmetic(node.T)));
        registry.Add("Max", node => Reduce(node, "ReduceMax", KernelTypes.Arithmetic(node.T)));
        registry.Add("Min", node => Reduce(node, "ReduceMin", KernelTypes.Arithmetic(node.T)));
        registry.Add("Prod", node => Reduce(node, "ReduceProd", KernelTypes.Arithmetic(node.T)));
        registry.Add("EuclideanNorm", node => Reduce(node, "ReduceL2", KernelTypes.Floating(node.T)));
        // Booleans reduce as 0/1 integers: all = min, any = max.
        registry.Add("All", node => Reduce(node, "ReduceMin", TensorDataType.Int32));
        registry.Add("Any", node => Reduce(node, "ReduceMax", TensorDataType.Int32));
        registry.Add("Cumsum", Cumsum);
    }

    // Running sums along one axis; exclusive and reverse mean the same in ONNX CumSum.
    private static void Cumsum(NodeContext node)
    {
        var type = node.T;
        var wide = KernelTypes.Arithmetic(type);
        var axis = node.Emit("Reshape", [node.InInt64(1), node.Scope.Int64s([])]);
        var result = node.Emit("CumSum", [KernelTypes.InputAs(node, 0, wide), axis], n => n
            .Attribute("exclusive", node.Node.GetBool("exclusive", false) ? 1L : 0L)
            .Attribute("reverse", node.Node.GetBool("reverse", false) ? 1L : 0L));
        KernelTypes.OutputAs(node, 0, result, wide, type, node.Input(0).Shape);
    }

    private static void Reduce(NodeContext node, string onnxOp, TensorDataType compute)
    {
        var input = node.Input(0);
        var type = node.Node.GetType("T", input.DataType);
        var keepDims = node.Node.GetBool("keep_dims", false);
        var axesValue = node.Input(1);
        long[]? constantAxes = axesValue.Constant?.ToInt64s();
        if (constantAxes is { Length: 0 })
        {
            node.Alias(0, input);
            return;
        }

        string axes;
        if (constantAxes is not null)
        {
            axes = node.Scope.Int64s(constantAxes);
        }
        else
        {
            axes = node.InInt64(1);
            if (axesValue.Rank != 1)
            {
                axes = node.Emit("Reshape", [axes, node.Scope.Int64s(-1)]);
            }
        }

        var data = KernelTypes.InputAs(node, 0, compute);
        var result = node.Emit(onnxOp, [data, axes], n => n.Attribute("keepdims", keepDims ? 1L : 0L).Attribute("noop_with_empty_axes", 1L));
        KernelTypes.OutputAs(node, 0, result, compute, type, ReducedShape(input.Shape, constantAxes, keepDims));
    }

    private static long[]? ReducedShape(long[]? shape, long[]? axes, bool keepDims)
    {
        if (shape is null || axes is null)
        {
            return null;
        }

        var reduced = axes.Select(a => Shapes.NormalizeAxis(a, shape.Length)).ToHashSet();
        return keepDims
            ? shape.Select((d, i) => reduced.Contains(i) ? 1 : d).ToArray()
            : shape.Where((_, i) => !reduced.Contains(i)).ToArray();
    }
}
