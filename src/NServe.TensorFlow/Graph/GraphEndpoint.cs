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
/// alias.</para>
/// <para>A feed describes what the graph consumes, not the TensorInfo: <see cref="DataType"/> is the fed
/// placeholder's own dtype (TF 1.0 exports declare some string inputs as DT_FLOAT), and <see cref="Shape"/> is
/// null (unknown rank): TensorFlow's C++ session checks no fed shape, and clients rely on that (TF Serving's
/// half_plus_two is fed <c>[3]</c> where its signature says <c>[-1,1]</c>; tfjs's uint8_multiply is fed a
/// scalar where it says <c>[-1]</c>). A fetch keeps the TensorInfo's shape.</para>
/// </remarks>
public sealed record GraphEndpoint(string Alias, string TensorName, TensorDataType DataType, long[]? Shape);
