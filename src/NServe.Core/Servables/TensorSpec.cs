using NServe.Core.Tensors;

namespace NServe.Core.Servables;

/// <summary>
/// What a signature says of one input or output (TensorFlow's TensorInfo): the graph tensor's name, its
/// element type and its shape, where -1 is a dimension of any size and a null shape is unknown rank.
/// </summary>
public sealed record TensorSpec(string Name, TensorDataType DataType, long[]? Shape);
