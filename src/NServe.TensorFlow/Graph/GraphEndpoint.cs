using NServe.Core.Tensors;

namespace NServe.TensorFlow.Graph;

/// <summary>
/// A signature input or output: its alias (the signature's map key), the tensor name <c>node:index</c>, dtype,
/// and shape (-1 = unknown dimension, null = unknown rank).
/// </summary>
/// <remarks>
/// <para><see cref="TensorName"/> always has the <c>:index</c> suffix and names a tensor of
/// <see cref="PreparedGraph.Nodes"/> (or, for a feed, a fed tensor). For a fetch it can differ from the
/// SignatureDef's TensorInfo name: an output of an inlined call (<c>StatefulPartitionedCall_5:0</c>) becomes
/// the inner tensor that call returned (<c>StatefulPartitionedCall_5/Identity:0</c>).</para>
/// <para>Corner cases for ONNX naming: two fetches may name the same tensor (several aliases of one tensor),
/// a fetch may name a fed tensor (a function returning its argument), and an input and an output may share an
/// alias. <see cref="DataType"/> of a feed is the fed placeholder's own dtype when the feed is a placeholder
/// (TF 1.0 exports declare some string inputs as DT_FLOAT in the TensorInfo).</para>
/// </remarks>
public sealed record GraphEndpoint(string Alias, string TensorName, TensorDataType DataType, long[]? Shape);
