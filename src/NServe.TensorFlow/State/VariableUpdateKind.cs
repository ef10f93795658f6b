namespace NServe.TensorFlow.State;

/// <summary>How an update op writes its variable (TensorFlow's DenseUpdateType, and Assign's shape check).</summary>
public enum VariableUpdateKind
{
    /// <summary><c>Assign</c> with <c>validate_shape</c>: the value must have the variable's shape.</summary>
    Assign,

    /// <summary><c>Assign</c> without <c>validate_shape</c>: the variable takes the value's shape.</summary>
    AssignAnyShape,

    /// <summary><c>AssignAdd</c>: element-wise sum; shapes must be equal.</summary>
    Add,

    /// <summary><c>AssignSub</c>: element-wise difference; shapes must be equal.</summary>
    Subtract,
}
