namespace NServe.TensorFlow.Variables;

/// <summary>The op types that hold a variable (reference or resource) and the ops that restore into one.</summary>
internal static class VariableOps
{
    public static bool IsVariable(string op) => op is "VariableV2" or "Variable" or "VarHandleOp";

    public static bool IsAssign(string op) => op is "Assign" or "AssignVariableOp";

    /// <summary>Ops that pass their input through unchanged (as restore graphs wrap tensors in them).</summary>
    public static bool IsPassThrough(string op) => op is "Identity" or "Snapshot" or "StopGradient";
}
