using NServe.Core.Errors;
using Tensorflow;

namespace NServe.Core.Tensors;

/// <summary>Conversions between <see cref="TensorShapeProto"/> and NServe's <c>long[]</c> dimensions.</summary>
public static class TensorProtoShape
{
    /// <summary>
    /// The dimensions of a concrete tensor. As TensorFlow's <c>TensorShape::IsValid</c>: an unknown rank or a
    /// negative dimension is rejected, and an absent shape is a scalar.
    /// </summary>
    public static long[] ToDims(TensorShapeProto? shape)
    {
        if (shape is null)
        {
            return [];
        }

        if (shape.UnknownRank)
        {
            throw ServingException.InvalidArgument("tensor shape has unknown rank; a tensor value needs a fully defined shape");
        }

        var dims = new long[shape.Dim.Count];
        long elements = 1;
        for (var i = 0; i < dims.Length; i++)
        {
            var size = shape.Dim[i].Size;
            if (size < 0)
            {
                throw ServingException.InvalidArgument(
                    $"tensor shape has dimension {size} at index {i}; a tensor value needs non-negative dimensions");
            }

            dims[i] = size;
            if (elements != 0 && size != 0 && elements > long.MaxValue / size)
            {
                throw ServingException.InvalidArgument("tensor shape has more elements than fit in int64");
            }

            elements *= size;
        }

        return dims;
    }

    /// <summary>A possibly partial shape as signatures carry it: -1 for unknown dimensions, null for unknown rank.</summary>
    public static long[]? ToPartialDims(TensorShapeProto? shape)
    {
        if (shape is null)
        {
            return [];
        }

        if (shape.UnknownRank)
        {
            return null;
        }

        var dims = new long[shape.Dim.Count];
        for (var i = 0; i < dims.Length; i++)
        {
            dims[i] = shape.Dim[i].Size < 0 ? -1 : shape.Dim[i].Size;
        }

        return dims;
    }

    /// <summary>A shape proto with one <c>dim</c> per dimension (-1 stays -1, for partial shapes).</summary>
    public static TensorShapeProto ToProto(ReadOnlySpan<long> dims)
    {
        var proto = new TensorShapeProto();
        proto.Dim.Capacity = dims.Length;
        foreach (var size in dims)
        {
            proto.Dim.Add(new TensorShapeProto.Types.Dim { Size = size });
        }

        return proto;
    }

    /// <summary>The shape proto of a partial shape; null means unknown rank.</summary>
    public static TensorShapeProto ToProto(long[]? dims) =>
        dims is null ? new TensorShapeProto { UnknownRank = true } : ToProto(dims.AsSpan());
}
