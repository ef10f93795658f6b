using NServe.Core.Errors;
using NServe.Core.Tensors;
using Tensorflow;

namespace NServe.Server.Limits;

/// <summary>
/// A TensorProto may declare more elements than it carries (TensorFlow repeats the last typed value), so
/// its declared size is bounded before anything is allocated for it.
/// </summary>
public static class TensorProtoLimits
{
    /// <summary>Decodes <paramref name="proto"/> once its element count is within <paramref name="maxElements"/>.</summary>
    public static Tensor ToTensor(string alias, TensorProto proto, long maxElements)
    {
        var dims = TensorProtoShape.ToDims(proto.TensorShape);
        var count = Tensor.ElementCountOf(dims);
        if (count > maxElements)
        {
            throw ServingException.InvalidArgument(
                $"input '{alias}': shape [{string.Join(",", dims)}] declares {count} elements; the limit is {maxElements} (--max_tensor_elements)");
        }

        return TensorProtoConverter.ToTensor(proto);
    }
}
