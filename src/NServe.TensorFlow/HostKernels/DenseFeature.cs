using NServe.Core.Tensors;

namespace NServe.TensorFlow.HostKernels;

/// <summary>
/// One fixed-length feature ParseExample reads into a dense tensor: its key, dtype (float, int64 or string),
/// the shape of one example's value, and the value used when an example lacks the feature.
/// </summary>
/// <param name="Key">The feature's key in <c>Features.feature</c>.</param>
/// <param name="DataType"><see cref="TensorDataType.Float"/>, <see cref="TensorDataType.Int64"/> or <see cref="TensorDataType.String"/>.</param>
/// <param name="Shape">One example's value shape (the op's <c>dense_shapes</c> entry); fully defined.</param>
/// <param name="Default">
/// The value for a missing feature, flattened (<c>float[]</c>, <c>long[]</c> or <c>byte[][]</c> as the dtype
/// says, with as many elements as <paramref name="Shape"/>); null when the feature is required (TF's empty default).
/// </param>
public sealed record DenseFeature(string Key, TensorDataType DataType, long[] Shape, Array? Default)
{
    /// <summary>Values one example contributes.</summary>
    public long ElementCount { get; } = Tensor.ElementCountOf(Shape);

    /// <summary>The dtype as TensorFlow's error messages name it.</summary>
    internal string TypeName => DataType switch
    {
        TensorDataType.Float => "float",
        TensorDataType.Int64 => "int64",
        TensorDataType.String => "string",
        _ => DataType.ToString(),
    };
}
