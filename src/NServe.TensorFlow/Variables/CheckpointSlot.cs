namespace NServe.TensorFlow.Variables;

/// <summary>
/// Where a graph variable's value is in the checkpoint: the tensor key and, for one part of a partitioned
/// variable, the slice spec (<c>"4 12 0,4:0,12"</c>: full shape, then <c>start,length</c> per dimension); an
/// empty spec is the whole tensor.
/// </summary>
public sealed record CheckpointSlot(string Key, string SliceSpec);
