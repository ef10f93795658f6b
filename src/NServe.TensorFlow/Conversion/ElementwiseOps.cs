using NServe.Core.Tensors;

namespace NServe.TensorFlow.Conversion;

/// <summary>
/// Binary arithmetic with TensorFlow's broadcasting (the same NumPy rules ONNX uses), including the integer
/// division and modulo variants whose rounding differs between TensorFlow and ONNX.
/// </summary>
internal static class ElementwiseOps
{
    public static void Register(OpConverterRegistry registry)
    {
        registry.Add(["Add", "AddV2"], node => Binary(node, "Add"));
        registry.Add("Sub", node => Binary(node, "Sub"));
        registry.Add("Mul", node => Binary(node, "Mul"));
        // Div truncates on integers in TensorFlow, as ONNX Div does; RealDiv is for real types.
        registry.Add(["RealDiv", "Div"], node => Binary(node, "Div"));
        registry.Add("Maximum", node => Binary(node, "Max"));
        registry.Add("Minimum", node => Binary(node, "Min"));
        registry.Add("Pow", node => Binary(node, "Pow"));
        registry.Add("SquaredDifference", SquaredDifference);
        registry.Add("FloorDiv", FloorDiv);
        registry.Add("FloorMod", FloorMod);
        registry.Add("TruncateDiv", TruncateDiv);
        // Mod is C's remainder: TruncateMod.
        registry.Add(["TruncateMod", "Mod"], TruncateMod);
        registry.Add("DivNoNan", node => NoNan(node, "Div"));
        registry.Add("MulNoNan", node => NoNan(node, "Mul"));
        registry.Add("AddN", AddN);
        registry.Add("LogicalAnd", node => Logical(node, "And"));
        registry.Add("LogicalOr", node => Logical(node, "Or"));
    }

    /// <summary>Output shape of a broadcasting binary node.</summary>
    public static long[]? BroadcastShape(NodeContext node) => Shapes.Broadcast(node.Input(0).Shape, node.Input(1).Shape);

    private static void Binary(NodeContext node, string onnxOp)
    {
        var type = node.T;
        var wide = KernelTypes.Arithmetic(type);
        string[] inputs = [KernelTypes.InputAs(node, 0, wide), KernelTypes.InputAs(node, 1, wide)];
        if (wide == type)
        {
            node.EmitOutput(0, onnxOp, inputs, type, BroadcastShape(node));
            return;
        }

        KernelTypes.OutputAs(node, 0, node.Emit(onnxOp, inputs), wide, type, BroadcastShape(node));
    }

    private static void SquaredDifference(NodeContext node)
    {
        var type = node.T;
        var wide = KernelTypes.Arithmetic(type);
        var difference = node.Emit("Sub", [KernelTypes.InputAs(node, 0, wide), KernelTypes.InputAs(node, 1, wide)]);
        if (wide == type)
        {
            node.EmitOutput(0, "Mul", [difference, difference], type, BroadcastShape(node));
            return;
        }

        KernelTypes.OutputAs(node, 0, node.Emit("Mul", [difference, difference]), wide, type, BroadcastShape(node));
    }

    // floor(x / y). Reals: Floor(Div). Integers: ONNX Div truncates, so step down by one where the remainder
    // is non-zero and the operands' signs differ.
    private static void FloorDiv(NodeContext node)
    {
        var type = node.T;
        var wide = KernelTypes.Arithmetic(type);
        var x = KernelTypes.InputAs(node, 0, wide);
        var y = KernelTypes.InputAs(node, 1, wide);
        var quotient = node.Emit("Div", [x, y]);
        string result;
        if (ConstantTensor.IsFloating(wide))
        {
            result = node.Emit("Floor", [quotient]);
        }
        else
        {
            var remainder = node.Emit("Mod", [x, y], n => n.Attribute("fmod", 1L));
            var zero = node.Scope.IntegerScalar(wide, 0);
            var inexact = node.Emit("Not", [node.Emit("Equal", [remainder, zero])]);
            var signsDiffer = node.Emit("Xor", [node.Emit("Less", [x, zero]), node.Emit("Less", [y, zero])]);
            var adjust = node.Emit("And", [inexact, signsDiffer]);
            var lowered = node.Emit("Sub", [quotient, node.Scope.IntegerScalar(wide, 1)]);
            result = node.Emit("Where", [adjust, lowered, quotient]);
        }

        KernelTypes.OutputAs(node, 0, result, wide, type, BroadcastShape(node));
    }

    // x - floor(x / y) * y: the remainder takes the divisor's sign. ONNX Mod with fmod=0 does exactly that for
    // integers; for reals (fmod=1 only) the truncated remainder is shifted by y where the signs differ.
    private static void FloorMod(NodeContext node)
    {
        var type = node.T;
        var wide = KernelTypes.Arithmetic(type);
        var x = KernelTypes.InputAs(node, 0, wide);
        var y = KernelTypes.InputAs(node, 1, wide);
        string result;
        if (ConstantTensor.IsFloating(wide))
        {
            var remainder = node.Emit("Mod", [x, y], n => n.Attribute("fmod", 1L));
            var zero = node.Scope.Scalar(wide, 0);
            var nonZero = node.Emit("Not", [node.Emit("Equal", [remainder, zero])]);
            var signsDiffer = node.Emit("Xor", [node.Emit("Less", [remainder, zero]), node.Emit("Less", [y, zero])]);
            var shift = node.Emit("And", [nonZero, signsDiffer]);
            result = node.Emit("Where", [shift, node.Emit("Add", [remainder, y]), remainder]);
        }
        else
        {
            result = node.Emit("Mod", [x, y], n => n.Attribute("fmod", 0L));
        }

        KernelTypes.OutputAs(node, 0, result, wide, type, BroadcastShape(node));
    }

    private static void TruncateDiv(NodeContext node)
    {
        var type = node.T;
        var wide = KernelTypes.Arithmetic(type);
        var quotient = node.Emit("Div", [KernelTypes.InputAs(node, 0, wide), KernelTypes.InputAs(node, 1, wide)]);
        if (ConstantTensor.IsFloating(wide))
        {
            // trunc(q) = sign(q) * floor(|q|)
            quotient = node.Emit("Mul", [node.Emit("Sign", [quotient]), node.Emit("Floor", [node.Emit("Abs", [quotient])])]);
        }

        KernelTypes.OutputAs(node, 0, quotient, wide, type, BroadcastShape(node));
    }

    private static void TruncateMod(NodeContext node)
    {
        var type = node.T;
        var wide = KernelTypes.Arithmetic(type);
        var result = node.Emit("Mod", [KernelTypes.InputAs(node, 0, wide), KernelTypes.InputAs(node, 1, wide)], n => n.Attribute("fmod", 1L));
        KernelTypes.OutputAs(node, 0, result, wide, type, BroadcastShape(node));
    }

    // x / y (or x * y) but 0 where y is 0.
    private static void NoNan(NodeContext node, string onnxOp)
    {
        var type = node.T;
        var wide = KernelTypes.Arithmetic(type);
        var x = KernelTypes.InputAs(node, 0, wide);
        var y = KernelTypes.InputAs(node, 1, wide);
        var zero = node.Scope.Scalar(wide, 0);
        var result = node.Emit("Where", [node.Emit("Equal", [y, zero]), zero, node.Emit(onnxOp, [x, y])]);
        KernelTypes.OutputAs(node, 0, result, wide, type, BroadcastShape(node));
    }

    private static void AddN(NodeContext node)
    {
        var type = node.T;
        var wide = KernelTypes.Arithmetic(type);
        var inputs = Enumerable.Range(0, node.InputCount).Select(i => KernelTypes.InputAs(node, i, wide)).ToArray();
        var shape = node.Inputs.Select(v => v.Shape).Aggregate(Shapes.Broadcast);
        if (inputs.Length == 1)
        {
            node.Alias(0, node.Input(0));
            return;
        }

        KernelTypes.OutputAs(node, 0, node.Emit("Sum", inputs), wide, type, shape);
    }

    private static void Logical(NodeContext node, string onnxOp)
        => node.EmitOutput(0, onnxOp, [node.In(0), node.In(1)], TensorDataType.Bool, BroadcastShape(node));
}
