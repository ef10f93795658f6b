using System.Runtime.InteropServices;
using System.Text;
using Google.Protobuf;
using NServe.Core.Tensors;
using NServe.Core.Hashing;
using NServe.TensorFlow.Checkpoint;
using Tensorflow;

namespace NServe.TensorFlow.Tests.Checkpoint;

/// <summary>
/// Writes small tensor bundles for tests the way TensorFlow's BundleWriter does: tensor bytes appended to a
/// data shard, a BundleEntryProto with the masked CRC32C per key, strings as varint lengths + masked length
/// checksum + bytes, and partitioned variables as a full entry listing slices plus one entry per slice.
/// </summary>
internal sealed class TestBundleWriter(int shardCount = 1, bool bigEndian = false)
{
    private readonly List<byte>[] _shards = [.. Enumerable.Range(0, shardCount).Select(_ => new List<byte>())];
    private readonly Dictionary<string, BundleEntryProto> _entries = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (byte[] Key, BundleEntryProto Entry)> _sliceEntries = [];

    public TestBundleWriter AddValues<T>(string key, TensorDataType dataType, long[] shape, T[] values, int shard = 0)
        where T : struct
    {
        _entries[key] = Append(dataType, shape, MemoryMarshal.AsBytes(values.AsSpan()).ToArray(), shard);
        return this;
    }

    public TestBundleWriter AddStrings(string key, long[] shape, string[] values, int shard = 0)
    {
        _entries[key] = AppendStrings(shape, [.. values.Select(Encoding.UTF8.GetBytes)], shard);
        return this;
    }

    /// <summary>One slice of a partitioned float variable; a length of −1 takes the whole dimension.</summary>
    public TestBundleWriter AddFloatSlice(string key, long[] fullShape, (long Start, long Length)[] extents, float[] values, int shard = 0)
    {
        if (!_entries.TryGetValue(key, out var full))
        {
            full = new BundleEntryProto { Dtype = DataType.DtFloat, Shape = ShapeProto(fullShape) };
            _entries[key] = full;
        }

        var proto = new TensorSliceProto();
        foreach (var (start, length) in extents)
        {
            proto.Extent.Add(length < 0 ? new TensorSliceProto.Types.Extent() : new TensorSliceProto.Types.Extent { Start = start, Length = length });
        }

        full.Slices.Add(proto);
        var sliceShape = extents.Select((e, d) => e.Length < 0 ? fullShape[d] : e.Length).ToArray();
        var sliceKey = CheckpointSliceKey.Encode(
            key, [.. extents.Select(e => e.Length < 0 ? 0 : e.Start)], [.. extents.Select(e => e.Length)]);
        var entry = Append(TensorDataType.Float, sliceShape, MemoryMarshal.AsBytes(values.AsSpan()).ToArray(), shard);
        _sliceEntries[Convert.ToHexString(sliceKey)] = (sliceKey, entry);
        return this;
    }

    /// <summary>Changes an entry after the fact, to write a damaged index.</summary>
    public TestBundleWriter Edit(string key, Action<BundleEntryProto> edit)
    {
        edit(_entries[key]);
        return this;
    }

    /// <summary>Writes <c>prefix.index</c> and the data shards; returns the prefix.</summary>
    public string Write(string prefix)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(prefix)!);
        for (var shard = 0; shard < _shards.Length; shard++)
        {
            File.WriteAllBytes(TensorBundleReader.DataPathOf(prefix, shard, _shards.Length), [.. _shards[shard]]);
        }

        var header = new BundleHeaderProto
        {
            NumShards = _shards.Length,
            Endianness = bigEndian ? BundleHeaderProto.Types.Endianness.Big : BundleHeaderProto.Types.Endianness.Little,
            Version = new VersionDef { Producer = 1 },
        };
        var table = new LevelDbTableWriter(blockSize: 256, restartInterval: 4).Add([], header.ToByteArray());
        foreach (var (key, entry) in _entries)
        {
            table.Add(Encoding.UTF8.GetBytes(key), entry.ToByteArray());
        }

        foreach (var (key, entry) in _sliceEntries.Values)
        {
            table.Add(key, entry.ToByteArray());
        }

        File.WriteAllBytes(TensorBundleReader.IndexPathOf(prefix), table.Build());
        return prefix;
    }

    private BundleEntryProto Append(TensorDataType dataType, long[] shape, byte[] bytes, int shard)
    {
        if (bigEndian)
        {
            var size = TensorDataTypes.ElementSize(dataType);
            for (var i = 0; i < bytes.Length; i += size)
            {
                Array.Reverse(bytes, i, size);
            }
        }

        var entry = NewEntry(dataType, shape, shard, bytes.Length, Crc32C.Compute(bytes));
        _shards[shard].AddRange(bytes);
        return entry;
    }

    private BundleEntryProto AppendStrings(long[] shape, byte[][] values, int shard)
    {
        var data = new List<byte>();
        var crc = 0u;
        foreach (var value in values)
        {
            LevelDbTableWriter.PutVarint(data, (ulong)value.Length);
            var length = BitConverter.GetBytes((uint)value.Length);
            if (bigEndian)
            {
                Array.Reverse(length);
            }

            crc = Crc32C.Extend(crc, length);
        }

        var lengthChecksum = BitConverter.GetBytes(Crc32C.Mask(crc));
        if (bigEndian)
        {
            Array.Reverse(lengthChecksum);
        }

        data.AddRange(lengthChecksum);
        crc = Crc32C.Extend(crc, lengthChecksum);
        foreach (var value in values)
        {
            data.AddRange(value);
            crc = Crc32C.Extend(crc, value);
        }

        var entry = NewEntry(TensorDataType.String, shape, shard, data.Count, crc);
        _shards[shard].AddRange(data);
        return entry;
    }

    private BundleEntryProto NewEntry(TensorDataType dataType, long[] shape, int shard, int size, uint crc)
    {
        var entry = new BundleEntryProto
        {
            Dtype = (DataType)(int)dataType,
            Shape = ShapeProto(shape),
            ShardId = shard,
            Offset = _shards[shard].Count,
            Size = size,
            Crc32C = Crc32C.Mask(crc),
        };

        // TensorFlow may pad between tensors (its data_alignment option); a gap before each shows that
        // offsets are honoured.
        _shards[shard].AddRange(new byte[3]);
        entry.Offset = _shards[shard].Count;
        return entry;
    }

    private static TensorShapeProto ShapeProto(long[] shape)
    {
        var proto = new TensorShapeProto();
        proto.Dim.AddRange(shape.Select(size => new TensorShapeProto.Types.Dim { Size = size }));
        return proto;
    }
}
