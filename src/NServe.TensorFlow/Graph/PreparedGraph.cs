namespace NServe.TensorFlow.Graph;

/// <summary>
/// One signature's graph, ready to convert: pruned to feeds → fetches, PartitionedCall /
/// StatefulPartitionedCall bodies inlined (inner nodes named <c>call/inner_node</c>), default attrs filled
/// from the op registry, variables replaced by <c>Const</c> nodes holding their values (a VariableV2 /
/// VarHandleOp node becomes <c>Const</c> with attr "value" = TensorProto and attr "dtype"; ReadVariableOp /
/// Identity over it stay and convert as Identity; ResourceGather's resource input then is that Const),
/// topologically sorted.
/// </summary>
/// <remarks>
/// Input naming inside <see cref="Nodes"/> is TF's graph naming: <c>node</c> (output 0), <c>node:1</c>,
/// <c>^control</c> (control inputs; conversion ignores them). Feeds may be any tensor, e.g. <c>x:0</c> where
/// x is an Identity: the converter makes a graph input for a fed tensor and never evaluates its producer
/// (the producer is still in <see cref="Nodes"/> when other, non-fed outputs of it are needed).
/// </remarks>
public sealed class PreparedGraph
{
    /// <summary>Nodes in topological order (every data/control input precedes its consumer).</summary>
    public required IReadOnlyList<Tensorflow.NodeDef> Nodes { get; init; }

    /// <summary>Signature inputs, in the signature's alias order; they become ONNX graph inputs.</summary>
    public required IReadOnlyList<GraphEndpoint> Feeds { get; init; }

    /// <summary>Signature outputs, in the signature's alias order; they become ONNX graph outputs.</summary>
    public required IReadOnlyList<GraphEndpoint> Fetches { get; init; }

    /// <summary>
    /// The library functions the nodes refer to (While/If/StatelessWhile bodies and conditions, transitively),
    /// by name. They are not inlined: bodies keep FunctionDef naming (<c>node:output_arg:index</c>) and read
    /// variables through resource arguments that the Const nodes feed. Their nodes' default attributes are
    /// filled like the graph's. <see cref="OutputLayout.FlatIndex"/> with <see cref="OpRegistry.Default"/>
    /// turns <c>output_arg:index</c> into a flat output index.
    /// </summary>
    public required IReadOnlyDictionary<string, Tensorflow.FunctionDef> Functions { get; init; }
}
