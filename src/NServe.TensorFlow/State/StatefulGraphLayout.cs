using Tensorflow;

namespace NServe.TensorFlow.State;

/// <summary>A host-held variable fed to a converted graph: the feed alias, the variable, and its checkpoint value.</summary>
public sealed record VariableRead(string Alias, string Variable, TensorProto InitialValue);

/// <summary>A variable update of a converted graph: the fetch alias of the update value, the variable, and how it applies.</summary>
public sealed record VariableWrite(string Alias, string Variable, VariableUpdateKind Kind);

/// <summary>
/// What one signature's converted graph reads from and writes to the version's variable state: the extra feeds
/// that carry the current values and the extra fetches that carry the update values, in graph order.
/// </summary>
public sealed record StatefulGraphLayout(IReadOnlyList<VariableRead> Reads, IReadOnlyList<VariableWrite> Writes);
