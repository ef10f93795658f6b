using NServe.Core.Errors;

namespace NServe.Server.KServe;

/// <summary>Checks on the shapes clients send, with messages that name the tensor.</summary>
public static class KServeShapes
{
    /// <summary>The element count of <paramref name="shape"/>; InvalidArgument for a negative or overflowing dimension.</summary>
    public static long ElementCount(string tensorName, ReadOnlySpan<long> shape)
    {
        long count = 1;
        foreach (var dim in shape)
        {
            if (dim < 0)
            {
                throw ServingException.InvalidArgument($"input '{tensorName}': shape {Format(shape)} has a negative dimension");
            }

            if (dim != 0 && count > long.MaxValue / dim)
            {
                throw ServingException.InvalidArgument($"input '{tensorName}': shape {Format(shape)} has too many elements");
            }

            count *= dim;
        }

        return count;
    }

    public static string Format(ReadOnlySpan<long> shape) => "[" + string.Join(",", shape.ToArray()) + "]";
}
