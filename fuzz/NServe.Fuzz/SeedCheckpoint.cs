using System.Buffers.Binary;
using Google.Protobuf;
using NServe.Core.Hashing;
using Tensorflow;

namespace NServe.Fuzz;

/// <summary>
/// Writes a small TensorBundle checkpoint (one uncompressed LevelDB data block, as TensorFlow writes small
/// indexes) in the tensor-bundle target's input layout, so that target has seeds without any test data.
/// </summary>
internal sealed class SeedCheckpoint
{
    private readonly SortedDictionary<string, BundleEntryProto> _entries = new(StringComparer.Ordinal);
    private readonly MemoryStream _data = new();

    public SeedCheckpoint Add(string name, DataType type, long[] dims, byte[] bytes)
    {
        var shape = new TensorShapeProto();
        foreach (var dim in dims)
        {
            shape.Dim.Add(new TensorShapeProto.Types.Dim { Size = dim });
        }

        _entries[name] = new BundleEntryProto
        {
            Dtype = type,
            Shape = shape,
            Offset = _data.Length,
            Size = bytes.Length,
            Crc32C = Crc32C.Mask(Crc32C.Compute(bytes)),
        };
        _data.Write(bytes);
        return this;
    }

    /// <summary><c>[u16 LE index length][index][data]</c>.</summary>
    public byte[] ToFuzzInput()
    {
        var header = new BundleHeaderProto { NumShards = 1, Endianness = BundleHeaderProto.Types.Endianness.Little, Version = new VersionDef { Producer = 1 } };
        var entries = new List<(byte[] Key, byte[] Value)> { ([], header.ToByteArray()) };
        entries.AddRange(_entries.Select(e => (System.Text.Encoding.UTF8.GetBytes(e.Key), e.Value.ToByteArray())));

        var file = new List<byte>();
        var dataHandle = WriteBlock(file, Block(entries, restartInterval: 2));
        var metaIndexHandle = WriteBlock(file, Block([], restartInterval: 1));
        var indexHandle = WriteBlock(file, Block([(entries[^1].Key, dataHandle)], restartInterval: 1));
        var footer = new byte[48];
        metaIndexHandle.Concat(indexHandle).ToArray().CopyTo(footer, 0);
        BinaryPrimitives.WriteUInt64LittleEndian(footer.AsSpan(40), 0xdb4775248b80fb57); // LevelDB table magic
        file.AddRange(footer);

        var input = new byte[2 + file.Count + _data.Length];
        BinaryPrimitives.WriteUInt16LittleEndian(input, checked((ushort)file.Count));
        file.CopyTo(input, 2);
        _data.ToArray().CopyTo(input, 2 + file.Count);
        return input;
    }

    private static byte[] Block(IReadOnlyList<(byte[] Key, byte[] Value)> entries, int restartInterval)
    {
        var block = new List<byte>();
        var restarts = new List<int>();
        var previous = Array.Empty<byte>();
        for (var i = 0; i < entries.Count; i++)
        {
            var (key, value) = entries[i];
            var shared = 0;
            if (i % restartInterval == 0)
            {
                restarts.Add(block.Count);
            }
            else
            {
                while (shared < key.Length && shared < previous.Length && key[shared] == previous[shared])
                {
                    shared++;
                }
            }

            Varint(block, (ulong)shared);
            Varint(block, (ulong)(key.Length - shared));
            Varint(block, (ulong)value.Length);
            block.AddRange(key.Skip(shared));
            block.AddRange(value);
            previous = key;
        }

        if (restarts.Count == 0)
        {
            restarts.Add(0);
        }

        restarts.ForEach(r => block.AddRange(BitConverter.GetBytes(r)));
        block.AddRange(BitConverter.GetBytes(restarts.Count));
        return [.. block];
    }

    private static byte[] WriteBlock(List<byte> file, byte[] contents)
    {
        var handle = new List<byte>();
        Varint(handle, (ulong)file.Count);
        Varint(handle, (ulong)contents.Length);
        file.AddRange(contents);
        file.Add(0); // no compression
        file.AddRange(BitConverter.GetBytes(Crc32C.Mask(Crc32C.Extend(Crc32C.Compute(contents), [0]))));
        return [.. handle];
    }

    private static void Varint(List<byte> output, ulong value)
    {
        for (; value >= 0x80; value >>= 7)
        {
            output.Add((byte)(value | 0x80));
        }

        output.Add((byte)value);
    }
}
