using System.Text;
using Google.Protobuf;
using NServe.Core.Errors;
using NServe.Core.Tensors;
using Tensorflow;

namespace NServe.TensorFlow.Checkpoint;

/// <summary>
/// Reads a TensorFlow checkpoint in the TensorBundle format, as SavedModels keep it in
/// <c>variables/variables.index</c> (a LevelDB table: "" → <see cref="BundleHeaderProto"/>, each tensor name →
/// <see cref="BundleEntryProto"/>) and <c>variables/variables.data-NNNNN-of-MMMMM</c> (the tensor bytes).
/// Opening reads and checks the whole index and that every data shard exists and is long enough; tensors are
/// read on demand, each checked against its CRC32C. Safe to use from several threads.
/// </summary>
public sealed class TensorBundleReader : IDisposable
{
    private const int BundleVersion = 1; // kTensorBundleVersion: the format this reader consumes
    private const int MinProducer = 0;

    private readonly Dictionary<string, BundleEntryProto> _entries;
    private readonly Dictionary<string, BundleEntryProto> _sliceEntries; // raw slice keys, as Latin-1 text
    private readonly BundleDataFiles _dataFiles;
    private readonly bool _swapBytes;

    private TensorBundleReader(
        string prefix, BundleHeaderProto header, List<string> keys, Dictionary<string, BundleEntryProto> entries,
        Dictionary<string, BundleEntryProto> sliceEntries)
    {
        Prefix = prefix;
        Header = header;
        Keys = keys;
        _entries = entries;
        _sliceEntries = sliceEntries;
        _dataFiles = new BundleDataFiles(prefix, header.NumShards);
        _swapBytes = (header.Endianness == BundleHeaderProto.Types.Endianness.Big) == BitConverter.IsLittleEndian;
    }

    /// <summary>The checkpoint prefix, e.g. <c>&lt;export&gt;/variables/variables</c>.</summary>
    public string Prefix { get; }

    public string IndexPath => IndexPathOf(Prefix);

    public BundleHeaderProto Header { get; }

    /// <summary>The tensor names in the checkpoint, in key order; the per-slice entries of partitioned variables are not listed.</summary>
    public IReadOnlyList<string> Keys { get; }

    /// <summary>The path of the index file for a checkpoint prefix: <c>prefix.index</c>.</summary>
    public static string IndexPathOf(string prefix) => prefix + ".index";

    /// <summary>The path of data shard <paramref name="shardId"/> of <paramref name="shardCount"/>.</summary>
    public static string DataPathOf(string prefix, int shardId, int shardCount) => BundleDataFiles.PathOf(prefix, shardId, shardCount);

    /// <summary>Opens the checkpoint at <paramref name="prefix"/>; throws <see cref="CheckpointException"/> naming the file at fault.</summary>
    public static TensorBundleReader Open(string prefix)
    {
        var indexPath = IndexPathOf(prefix);
        var table = LevelDbTable.Open(indexPath);
        BundleHeaderProto? header = null;
        var keys = new List<string>();
        var entries = new Dictionary<string, BundleEntryProto>(StringComparer.Ordinal);
        var sliceEntries = new Dictionary<string, BundleEntryProto>(StringComparer.Ordinal);
        foreach (var item in table.ReadEntries())
        {
            if (item.Key.Length == 0)
            {
                header = Parse(BundleHeaderProto.Parser, item.Value, indexPath, "the header entry");
                continue;
            }

            if (header is null)
            {
                throw CheckpointException.Corrupt(indexPath, "the index has no header entry");
            }

            if (item.Key[0] == 0)
            {
                sliceEntries[Encoding.Latin1.GetString(item.Key)] = Parse(BundleEntryProto.Parser, item.Value, indexPath, "a slice entry");
            }
            else
            {
                var key = Encoding.UTF8.GetString(item.Key);
                keys.Add(key);
                entries[key] = Parse(BundleEntryProto.Parser, item.Value, indexPath, $"the entry for '{key}'");
            }
        }

        if (header is null)
        {
            throw CheckpointException.Corrupt(indexPath, "the index has no header entry");
        }

        CheckHeader(header, indexPath);
        var reader = new TensorBundleReader(prefix, header, keys, entries, sliceEntries);
        try
        {
            reader.CheckDataFiles();
            return reader;
        }
        catch
        {
            reader.Dispose();
            throw;
        }
    }

    public bool Contains(string key) => _entries.ContainsKey(key);

    /// <summary>The index entry for <paramref name="key"/>: dtype, shape, shard, offset, size, CRC, slices.</summary>
    public BundleEntryProto GetEntry(string key) => _entries.TryGetValue(key, out var entry)
        ? entry
        : throw new CheckpointException(StatusCode.NotFound, IndexPath, $"Key {key} not found in checkpoint {Prefix}");

    /// <summary>The tensor stored under <paramref name="key"/>, assembled from its slices if it is partitioned.</summary>
    public Tensor Read(string key)
    {
        var entry = GetEntry(key);
        var dataType = DataTypeOf(key, entry);
        var shape = ShapeOf(key, entry);
        if (entry.Slices.Count == 0)
        {
            return BundleEntryDecoder.Decode(key, entry, dataType, shape, _dataFiles, _swapBytes);
        }

        return PartitionedTensorAssembler.Assemble(key, entry, dataType, shape, IndexPath, (sliceKey, sliceShape) =>
        {
            if (!_sliceEntries.TryGetValue(Encoding.Latin1.GetString(sliceKey), out var sliceEntry))
            {
                return null;
            }

            var storedShape = ShapeOf(key, sliceEntry);
            if (!storedShape.AsSpan().SequenceEqual(sliceShape))
            {
                throw CheckpointException.Corrupt(
                    IndexPath,
                    $"a slice of '{key}' is stored with shape {BundleEntryDecoder.ShapeText(storedShape)}, its slice spec says {BundleEntryDecoder.ShapeText(sliceShape)}");
            }

            return BundleEntryDecoder.Decode(key, sliceEntry, DataTypeOf(key, sliceEntry), storedShape, _dataFiles, _swapBytes);
        });
    }

    public void Dispose() => _dataFiles.Dispose();

    private static T Parse<T>(MessageParser<T> parser, ReadOnlyMemory<byte> value, string indexPath, string what)
        where T : IMessage<T>
    {
        try
        {
            return parser.ParseFrom(value.Span);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw CheckpointException.Corrupt(indexPath, $"{what} cannot be parsed", e);
        }
    }

    // TensorFlow's CheckVersions for the "checkpoint" format.
    private static void CheckHeader(BundleHeaderProto header, string indexPath)
    {
        var version = header.Version ?? new VersionDef();
        string? problem = null;
        if (version.Producer < MinProducer)
        {
            problem = $"its producer version {version.Producer} is below the oldest supported, {MinProducer}";
        }
        else if (version.MinConsumer > BundleVersion)
        {
            problem = $"it needs a reader of version {version.MinConsumer} or newer; this one is {BundleVersion}";
        }
        else if (version.BadConsumers.Contains(BundleVersion))
        {
            problem = $"it disallows readers of version {BundleVersion}";
        }

        if (problem is not null)
        {
            throw new CheckpointException(StatusCode.InvalidArgument, indexPath, $"checkpoint {indexPath} cannot be read: {problem}");
        }

        if (header.NumShards < 1)
        {
            throw CheckpointException.Corrupt(indexPath, $"the header says {header.NumShards} data shards");
        }
    }

    // Fails at open time, naming the file, when a data shard that entries use is missing or shorter than they need.
    private void CheckDataFiles()
    {
        var needed = new SortedDictionary<int, long>();
        foreach (var (key, entry) in _entries.Concat(_sliceEntries.Select(p => KeyValuePair.Create("a slice", p.Value))))
        {
            if (entry.Slices.Count > 0)
            {
                continue; // a partitioned variable's own entry points at no data
            }

            if (entry.ShardId < 0 || entry.ShardId >= Header.NumShards)
            {
                throw CheckpointException.Corrupt(IndexPath, $"'{key}' is in shard {entry.ShardId}, but the header says {Header.NumShards} shards");
            }

            if (entry.Offset < 0 || entry.Size < 0)
            {
                throw CheckpointException.Corrupt(IndexPath, $"'{key}' has offset {entry.Offset} and size {entry.Size}");
            }

            needed[entry.ShardId] = Math.Max(needed.GetValueOrDefault(entry.ShardId), entry.Offset + entry.Size);
        }

        foreach (var (shard, end) in needed)
        {
            var length = _dataFiles.LengthOf(shard);
            if (length < end)
            {
                throw CheckpointException.Corrupt(
                    _dataFiles.PathOf(shard), $"it is {length} bytes, but the index places tensors up to byte {end}; the file is truncated");
            }
        }
    }

    private TensorDataType DataTypeOf(string key, BundleEntryProto entry)
    {
        var dataType = (TensorDataType)(int)entry.Dtype;
        if (!TensorDataTypes.IsSupported(dataType))
        {
            var name = TypesReflection.Descriptor.EnumTypes.FirstOrDefault(e => e.Name == "DataType")
                ?.FindValueByNumber((int)entry.Dtype)?.Name ?? $"data type {(int)entry.Dtype}";
            throw new CheckpointException(
                StatusCode.Unimplemented, IndexPath, $"variable '{key}' in {IndexPath} has type {name}, which NServe cannot hold");
        }

        return dataType;
    }

    private long[] ShapeOf(string key, BundleEntryProto entry)
    {
        var shape = entry.Shape ?? new TensorShapeProto();
        if (shape.UnknownRank || shape.Dim.Any(dim => dim.Size < 0))
        {
            throw CheckpointException.Corrupt(IndexPath, $"'{key}' has an invalid shape");
        }

        return [.. shape.Dim.Select(dim => dim.Size)];
    }
}
