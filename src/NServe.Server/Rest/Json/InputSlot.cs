using System.Text;
using NServe.Core.Errors;
using NServe.Core.Tensors;

namespace NServe.Server.Rest.Json;

/// <summary>
/// One signature input while a row-format body is read: its elements from every instance so far, and the
/// shape of the first instance, which every later instance must repeat.
/// </summary>
internal sealed class InputSlot(string alias, TensorDataType dataType, int elementHint) : IDisposable
{
    public string Alias { get; } = alias;

    public byte[] AliasUtf8 { get; } = Encoding.UTF8.GetBytes(alias);

    public TensorDataType DataType { get; } = dataType;

    public TensorAccumulator Elements { get; } = new(dataType, elementHint);

    private long[]? _instanceShape;
    private long _instanceSize;

    /// <summary>
    /// Records one instance's shape and element count; an error (TF Serving's <c>AddInstanceItem</c> text) if
    /// it differs from the first instance's.
    /// </summary>
    public ServingException? AddInstance(ReadOnlySpan<long> shape, long size)
    {
        if (_instanceShape is null)
        {
            _instanceShape = shape.ToArray();
            _instanceSize = size;
            return null;
        }

        if (size != _instanceSize)
        {
            return ServingException.InvalidArgument($"Expecting tensor size: {_instanceSize} but got: {size}");
        }

        if (!shape.SequenceEqual(_instanceShape))
        {
            return ServingException.InvalidArgument(
                $"Expecting shape {TfNames.Shape(_instanceShape)} but got: {TfNames.Shape(shape)}");
        }

        return null;
    }

    /// <summary>The batched tensor: <paramref name="instances"/> followed by the instance shape.</summary>
    public Tensor ToBatchTensor(int instances)
    {
        var instanceShape = _instanceShape ?? [];
        var shape = new long[instanceShape.Length + 1];
        shape[0] = instances;
        instanceShape.CopyTo(shape, 1);
        return Elements.ToTensor(shape);
    }

    public void Dispose() => Elements.Dispose();
}
