namespace NServe.TensorFlow.Graph;

/// <summary>A graph that cannot be prepared for conversion: a dangling input, a cycle, a malformed function.</summary>
public sealed class GraphPreparationException(string message, Exception? inner = null) : Exception(message, inner);
