using NServe.Core.Tensors;

namespace NServe.TensorFlow.Conversion;

/// <summary>Element-wise unary math. Shape and dtype pass through (except the Is* predicates, which give bool).</summary>
internal static class UnaryMathOps
{
    public static void Register(OpConverterRegistry registry)
    {
        // Ops ORT computes on int32/int64/float/double.
        registry.Add("Neg", node => Arithmetic(node, "Neg"));
        registry.Add("Abs", node => Arithmetic(node, "Abs"));
        registry.Add("Sign", node => Arithmetic(node, "Sign"));

        // Real-valued math (float/double kernels).
        foreach (var (tf, onnx) in new[]
        {
            ("Exp", "Exp"), ("Log", "Log"), ("Sqrt", "Sqrt"), ("Floor", "Floor"), ("Ceil", "Ceil"),
            ("Round", "Round"), ("Rint", "Round"), ("Reciprocal", "Reciprocal"), ("Inv", "Reciprocal"),
            ("Sin", "Sin"), ("Cos", "Cos"), ("Tan", "Tan"), ("Asin", "Asin"), ("Acos", "Acos"), ("Atan", "Atan"),
            ("Sinh", "Sinh"), ("Cosh", "Cosh"), ("Asinh", "Asinh"), ("Acosh", "Acosh"), ("Atanh", "Atanh"),
            ("Erf", "Erf"),
        })
        {
            registry.Add(tf, node => Floating(node, onnx));
        }

        registry.Add("Rsqrt", node => FloatingChain(node, "Sqrt", "Reciprocal"));
        registry.Add("Square", Square);
        registry.Add("Log1p", Log1p);
        registry.Add("Expm1", Expm1);
        registry.Add("IsNan", node => Predicate(node, "IsNaN"));
        registry.Add("IsInf", node => Predicate(node, "IsInf"));
        registry.Add("IsFinite", IsFinite);
        registry.Add("LogicalNot", node => node.EmitOutput(0, "Not", [node.In(0)], TensorDataType.Bool, node.Input(0).Shape));
    }

    private static void Arithmetic(NodeContext node, string onnxOp)
    {
        var type = node.T;
        var wide = KernelTypes.Arithmetic(type);
        if (wide == type)
        {
            node.EmitOutput(0, onnxOp, [node.In(0)], type, node.Input(0).Shape);
            return;
        }

        KernelTypes.OutputAs(node, 0, node.Emit(onnxOp, [KernelTypes.InputAs(node, 0, wide)]), wide, type, node.Input(0).Shape);
    }

    private static void Floating(NodeContext node, string onnxOp) => FloatingChain(node, onnxOp);

    /// <summary>Applies <paramref name="onnxOps"/> in turn, in float or double.</summary>
    private static void FloatingChain(NodeContext node, params string[] onnxOps)
    {
        var type = node.T;
        var compute = KernelTypes.Floating(type);
        var value = KernelTypes.InputAs(node, 0, compute);
        for (var i = 0; i < onnxOps.Length; i++)
        {
            if (i == onnxOps.Length - 1 && compute == type)
            {
                node.EmitOutput(0, onnxOps[i], [value], type, node.Input(0).Shape);
                return;
            }

            value = node.Emit(onnxOps[i], [value]);
        }

        KernelTypes.OutputAs(node, 0, value, compute, type, node.Input(0).Shape);
    }

    private static void Square(NodeContext node)
    {
        var type = node.T;
        var wide = KernelTypes.Arithmetic(type);
        var x = KernelTypes.InputAs(node, 0, wide);
        if (wide == type)
        {
            node.EmitOutput(0, "Mul", [x, x], type, node.Input(0).Shape);
            return;
        }

        KernelTypes.OutputAs(node, 0, node.Emit("Mul", [x, x]), wide, type, node.Input(0).Shape);
    }

    private static void Log1p(NodeContext node)
    {
        var compute = KernelTypes.Floating(node.T);
        var x = KernelTypes.InputAs(node, 0, compute);
        var result = node.Emit("Log", [node.Emit("Add", [x, node.Scope.Scalar(compute, 1)])]);
        KernelTypes.OutputAs(node, 0, result, compute, node.T, node.Input(0).Shape);
    }

    private static void Expm1(NodeContext node)
    {
        var compute = KernelTypes.Floating(node.T);
        var x = KernelTypes.InputAs(node, 0, compute);
        var result = node.Emit("Sub", [node.Emit("Exp", [x]), node.Scope.Scalar(compute, 1)]);
        KernelTypes.OutputAs(node, 0, result, compute, node.T, node.Input(0).Shape);
    }

    private static void Predicate(NodeContext node, string onnxOp)
        => node.EmitOutput(0, onnxOp, [KernelTypes.InputAs(node, 0, KernelTypes.Floating(node.T))], TensorDataType.Bool, node.Input(0).Shape);

    private static void IsFinite(NodeContext node)
    {
        var x = KernelTypes.InputAs(node, 0, KernelTypes.Floating(node.T));
        var notFinite = node.Emit("Or", [node.Emit("IsNaN", [x]), node.Emit("IsInf", [x])]);
        node.EmitOutput(0, "Not", [notFinite], TensorDataType.Bool, node.Input(0).Shape);
    }
}
