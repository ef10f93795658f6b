using NServe.Core.Tensors;

namespace NServe.TensorFlow.Graph;

/// <summary>
/// A signature input or output: its alias (the signature's map key), the tensor name <c>node:index</c> (as
/// in the SignatureDef's TensorInfo, always with the <c>:index</c> suffix), dtype, and shape
/// (-1 = unknown dimension, null = unknown rank).
/// </summary>
public sealed record GraphEndpoint(string Alias, string TensorName, TensorDataType DataType, long[]? Shape);
