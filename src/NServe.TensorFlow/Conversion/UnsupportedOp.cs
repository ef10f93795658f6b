namespace NServe.TensorFlow.Conversion;

/// <summary>One TensorFlow op type the converter could not turn into ONNX, with one node that uses it and why.</summary>
public sealed record UnsupportedOp(string OpType, string NodeName, string? Reason)
{
    public override string ToString() => Reason is null ? $"{OpType} (node {NodeName})" : $"{OpType} (node {NodeName}: {Reason})";
}
