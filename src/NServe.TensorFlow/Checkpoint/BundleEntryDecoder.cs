using System.Buffers.Binary;
using System.Runtime.InteropServices;
using NServe.Core.Hashing;
using NServe.Core.Tensors;
using Tensorflow;

namespace NServe.TensorFlow.Checkpoint;

/// <summary>
/// Turns the bytes of one bundle entry into a <see cref="Tensor"/>, checking them against the entry's masked
/// CRC32C as TensorFlow's <c>BundleReader::GetValue</c> does.
/// </summary>
internal static class BundleEntryDecoder
{
    public static Tensor Decode(
        string key, BundleEntryProto entry, TensorDataType dataType, long[] shape, BundleDataFiles files, bool swapBytes)
    {
        return dataType == TensorDataType.String
            ? DecodeStrings(key, entry, shape, files, swapBytes)
            : DecodeNumeric(key, entry, dataType, shape, files, swapBytes);
    }

    private static Tensor DecodeNumeric(
        string key, BundleEntryProto entry, TensorDataType dataType, long[] shape, BundleDataFiles files, bool swapBytes)
    {
        var elementSize = TensorDataTypes.ElementSize(dataType);
        var expected = checked(Tensor.ElementCountOf(shape) * elementSize);
        if (entry.Size != expected)
        {
            throw CheckpointException.Corrupt(
                files.PathOf(entry.ShardId),
                $"the entry for '{key}' says {entry.Size} bytes, but {TensorDataTypes.TfName(dataType)} {ShapeText(shape)} needs {expected}");
        }

        var bytes = ReadBytes(key, entry, files);
        CheckCrc(key, entry, files, Crc32C.Compute(bytes));
        if (swapBytes)
        {
            SwapElements(bytes, elementSize);
        }

        return Tensor.FromBuffer(dataType, shape, new ArrayTensorBuffer(bytes));
    }

    // Layout: a varint64 length per element, the masked CRC32C of those lengths (each taken as a fixed
    // uint32, or uint64 when larger), then the bytes of every element. The entry's CRC covers the lengths
    // (as fixed integers), the length checksum and the element bytes.
    private static Tensor DecodeStrings(string key, BundleEntryProto entry, long[] shape, BundleDataFiles files, bool swapBytes)
    {
        var count = Tensor.ElementCountOf(shape);
        if (entry.Size < count)
        {
            throw CheckpointException.Corrupt(
                files.PathOf(entry.ShardId), $"the entry for '{key}' says {entry.Size} bytes, too few for {count} strings");
        }

        if (entry.Size == 0)
        {
            return Tensor.FromStrings(shape, []); // TensorFlow writes nothing, not even a checksum, for no elements.
        }

        var path = files.PathOf(entry.ShardId);
        var bytes = ReadBytes(key, entry, files);
        var lengths = new ulong[count];
        var position = 0;
        var crc = 0u;
        Span<byte> fixedLength = stackalloc byte[8];
        for (var i = 0; i < lengths.Length; i++)
        {
            if (!Varint.TryRead64(bytes, ref position, out lengths[i]))
            {
                throw CheckpointException.Corrupt(path, $"the string lengths of '{key}' run past its {entry.Size} bytes");
            }

            var width = lengths[i] <= uint.MaxValue ? 4 : 8;
            if (width == 4)
            {
                var length32 = (uint)lengths[i];
                BinaryPrimitives.WriteUInt32LittleEndian(fixedLength, swapBytes ? BinaryPrimitives.ReverseEndianness(length32) : length32);
            }
            else
            {
                BinaryPrimitives.WriteUInt64LittleEndian(fixedLength, swapBytes ? BinaryPrimitives.ReverseEndianness(lengths[i]) : lengths[i]);
            }

            crc = Crc32C.Extend(crc, fixedLength[..width]);
        }

        if (bytes.Length - position < 4)
        {
            throw CheckpointException.Corrupt(path, $"the string lengths of '{key}' leave no room for their checksum");
        }

        var rawLengthChecksum = bytes.AsSpan(position, 4);
        var lengthChecksum = swapBytes
            ? BinaryPrimitives.ReadUInt32BigEndian(rawLengthChecksum)
            : BinaryPrimitives.ReadUInt32LittleEndian(rawLengthChecksum);
        if (Crc32C.Unmask(lengthChecksum) != crc)
        {
            throw CheckpointException.Corrupt(
                path, $"checksum mismatch in the string lengths of '{key}': stored {Crc32C.Unmask(lengthChecksum):x8}, computed {crc:x8}");
        }

        crc = Crc32C.Extend(crc, rawLengthChecksum);
        position += 4;
        var stringsStart = position;

        var strings = new byte[count][];
        for (var i = 0; i < strings.Length; i++)
        {
            if (lengths[i] > (ulong)(bytes.Length - position))
            {
                throw CheckpointException.Corrupt(path, $"string {i} of '{key}' runs past the entry's {entry.Size} bytes");
            }

            strings[i] = bytes.AsSpan(position, (int)lengths[i]).ToArray();
            position += strings[i].Length;
        }

        if (position != bytes.Length)
        {
            throw CheckpointException.Corrupt(path, $"the strings of '{key}' end at byte {position} of its {entry.Size}");
        }

        CheckCrc(key, entry, files, Crc32C.Extend(crc, bytes.AsSpan(stringsStart)));
        return Tensor.FromStrings(shape, strings);
    }

    private static byte[] ReadBytes(string key, BundleEntryProto entry, BundleDataFiles files)
    {
        if (entry.Size > Array.MaxLength)
        {
            throw new CheckpointException(
                Core.Errors.StatusCode.Unimplemented,
                files.PathOf(entry.ShardId),
                $"'{key}' in {files.PathOf(entry.ShardId)} is {entry.Size} bytes, more than one buffer can hold");
        }

        var bytes = GC.AllocateUninitializedArray<byte>((int)entry.Size);
        files.Read(entry.ShardId, entry.Offset, bytes, $"'{key}'");
        return bytes;
    }

    private static void CheckCrc(string key, BundleEntryProto entry, BundleDataFiles files, uint actual)
    {
        var stored = Crc32C.Unmask(entry.Crc32C);
        if (stored != actual)
        {
            throw CheckpointException.Corrupt(
                files.PathOf(entry.ShardId),
                $"checksum mismatch for '{key}' (bytes {entry.Offset} to {entry.Offset + entry.Size}): stored {stored:x8}, computed {actual:x8}");
        }
    }

    private static void SwapElements(byte[] bytes, int elementSize)
    {
        switch (elementSize)
        {
            case 2:
                var halves = MemoryMarshal.Cast<byte, ushort>(bytes.AsSpan());
                BinaryPrimitives.ReverseEndianness(halves, halves);
                break;
            case 4:
                var words = MemoryMarshal.Cast<byte, uint>(bytes.AsSpan());
                BinaryPrimitives.ReverseEndianness(words, words);
                break;
            case 8:
                var longs = MemoryMarshal.Cast<byte, ulong>(bytes.AsSpan());
                BinaryPrimitives.ReverseEndianness(longs, longs);
                break;
        }
    }

    internal static string ShapeText(long[] shape) => "[" + string.Join(",", shape) + "]";
}
