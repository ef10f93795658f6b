using System.Buffers.Binary;
using System.Runtime.InteropServices;
using NServe.Core.Errors;
using NServe.Core.Tensors;

namespace NServe.Server.KServe;

/// <summary>
/// The v2 protocol's raw tensor bytes, shared by the REST binary extension and gRPC <c>raw_*_contents</c>:
/// little-endian, row-major, no padding; BOOL one byte (0 or 1); BYTES as a 4-byte little-endian length
/// followed by the bytes, for each element.
/// </summary>
public static class KServeRawTensor
{
    /// <summary>Decodes <paramref name="raw"/> into a new tensor (numeric elements copied into a pooled buffer).</summary>
    public static Tensor Decode(string name, TensorDataType type, long[] shape, ReadOnlySpan<byte> raw)
    {
        var count = KServeShapes.ElementCount(name, shape);
        if (type == TensorDataType.String)
        {
            return Tensor.FromStrings(shape, DecodeStrings(name, shape, count, raw));
        }

        CheckNumeric(name, type, shape, count, raw);
        var tensor = Tensor.Allocate(type, shape);
        raw.CopyTo(tensor.Bytes.Span);
        return tensor;
    }

    /// <summary>
    /// A tensor over <paramref name="raw"/> itself when it is a numeric tensor whose start is aligned for its
    /// element type; otherwise as <see cref="Decode"/>. The caller keeps <paramref name="raw"/> alive and
    /// unchanged until the tensor is disposed.
    /// </summary>
    public static Tensor Borrow(string name, TensorDataType type, long[] shape, ReadOnlyMemory<byte> raw)
    {
        if (type == TensorDataType.String || !IsAligned(raw, TensorDataTypes.ElementSize(type)))
        {
            return Decode(name, type, shape, raw.Span);
        }

        CheckNumeric(name, type, shape, KServeShapes.ElementCount(name, shape), raw.Span);
        return Tensor.FromBuffer(type, shape, new BorrowedTensorBuffer(MemoryMarshal.AsMemory(raw)));
    }

    /// <summary>How many bytes <see cref="Encode"/> writes for <paramref name="tensor"/>.</summary>
    public static long EncodedLength(Tensor tensor)
    {
        if (!tensor.IsString)
        {
            return tensor.Bytes.Length;
        }

        long length = 0;
        foreach (var element in tensor.Strings)
        {
            length += sizeof(uint) + element.Length;
        }

        return length;
    }

    /// <summary>Writes the raw form of <paramref name="tensor"/>; <paramref name="destination"/> holds exactly <see cref="EncodedLength"/> bytes.</summary>
    public static void Encode(Tensor tensor, Span<byte> destination)
    {
        if (!tensor.IsString)
        {
            tensor.Bytes.Span.CopyTo(destination);
            return;
        }

        var offset = 0;
        foreach (var element in tensor.Strings)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(destination[offset..], (uint)element.Length);
            offset += sizeof(uint);
            element.CopyTo(destination[offset..]);
            offset += element.Length;
        }
    }

    private static void CheckNumeric(string name, TensorDataType type, long[] shape, long count, ReadOnlySpan<byte> raw)
    {
        var expected = count * TensorDataTypes.ElementSize(type);
        if (raw.Length != expected)
        {
            throw ServingException.InvalidArgument(
                $"input '{name}': shape {KServeShapes.Format(shape)} of {KServeDataTypes.Name(type)} needs {expected} bytes of data, got {raw.Length}");
        }

        // Any other byte is not a bool the runtime can hold.
        if (type == TensorDataType.Bool && raw.IndexOfAnyExcept((byte)0, (byte)1) >= 0)
        {
            throw ServingException.InvalidArgument($"input '{name}': BOOL elements must be bytes 0 or 1");
        }
    }

    private static byte[][] DecodeStrings(string name, long[] shape, long count, ReadOnlySpan<byte> raw)
    {
        // Each element takes at least its 4-byte length, which bounds the count before allocating.
        if (count > raw.Length / sizeof(uint))
        {
            throw ServingException.InvalidArgument(
                $"input '{name}': shape {KServeShapes.Format(shape)} needs {count} BYTES elements, but {raw.Length} bytes of data cannot hold them");
        }

        var strings = new byte[count][];
        var offset = 0;
        for (var i = 0; i < strings.Length; i++)
        {
            if (raw.Length - offset < sizeof(uint))
            {
                throw ServingException.InvalidArgument(
                    $"input '{name}': BYTES data ends inside the length of element {i} (shape {KServeShapes.Format(shape)} needs {count} elements)");
            }

            var length = BinaryPrimitives.ReadUInt32LittleEndian(raw[offset..]);
            offset += sizeof(uint);
            if (length > (uint)(raw.Length - offset))
            {
                throw ServingException.InvalidArgument(
                    $"input '{name}': BYTES element {i} claims {length} bytes but only {raw.Length - offset} remain");
            }

            strings[i] = raw.Slice(offset, (int)length).ToArray();
            offset += (int)length;
        }

        if (offset != raw.Length)
        {
            throw ServingException.InvalidArgument(
                $"input '{name}': {raw.Length - offset} bytes of BYTES data are left after the {count} elements of shape {KServeShapes.Format(shape)}");
        }

        return strings;
    }

    private static bool IsAligned(ReadOnlyMemory<byte> raw, int elementSize) =>
        MemoryMarshal.TryGetArray(raw, out var segment) && segment.Offset % elementSize == 0;
}
