using Onnx;

namespace NServe.TensorFlow.Sharing;

/// <summary>
/// An ONNX initializer compared by what it holds (element type, dimensions, raw bytes), not by its name:
/// the same variable may be named differently in two signatures' graphs.
/// </summary>
internal sealed class InitializerContent : IEquatable<InitializerContent>
{
    private readonly int _hash;

    private InitializerContent(TensorProto tensor)
    {
        Tensor = tensor;
        var hash = new HashCode();
        hash.Add(tensor.DataType);
        foreach (var dim in tensor.Dims)
        {
            hash.Add(dim);
        }

        hash.AddBytes(tensor.RawData.Span);
        _hash = hash.ToHashCode();
    }

    /// <summary>One tensor with this content (its bytes are the ones shared).</summary>
    public TensorProto Tensor { get; }

    /// <summary>
    /// The content of <paramref name="tensor"/>, or null when it cannot be shared: no raw bytes (strings, typed
    /// fields, external data) or no elements.
    /// </summary>
    public static InitializerContent? Of(TensorProto tensor) =>
        tensor.RawData.IsEmpty || tensor.DataLocation == TensorProto.Types.DataLocation.External
            || tensor.DataType == (int)TensorProto.Types.DataType.String
            ? null
            : new InitializerContent(tensor);

    public bool Equals(InitializerContent? other) =>
        other is not null
        && _hash == other._hash
        && Tensor.DataType == other.Tensor.DataType
        && Tensor.Dims.SequenceEqual(other.Tensor.Dims)
        && Tensor.RawData.Span.SequenceEqual(other.Tensor.RawData.Span);

    public override bool Equals(object? obj) => Equals(obj as InitializerContent);

    public override int GetHashCode() => _hash;
}
