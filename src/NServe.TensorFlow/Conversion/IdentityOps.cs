namespace NServe.TensorFlow.Conversion;

/// <summary>
/// Ops that pass their input through at inference: Identity and its kin. They emit nothing; their outputs
/// are aliases of their inputs (ONNX Runtime would drop Identity nodes anyway).
/// </summary>
internal static class IdentityOps
{
    public static void Register(OpConverterRegistry registry)
    {
        // ReadVariableOp reads a variable that graph preparation froze into a Const; the rest are identities
        // at inference. CheckNumerics/EnsureShape only validate in TensorFlow, so they pass values through here.
        registry.Add(
            ["Identity", "StopGradient", "Snapshot", "ReadVariableOp", "PreventGradient", "CheckNumerics", "EnsureShape", "PlaceholderWithDefault"],
            node => node.Alias(0, node.Input(0)));
        registry.Add("IdentityN", IdentityN);
        registry.Add("NoOp", _ => { });
    }

    private static void IdentityN(NodeContext node)
    {
        for (var i = 0; i < node.InputCount; i++)
        {
            node.Alias(i, node.Input(i));
        }
    }
}
