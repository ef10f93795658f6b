using System.Text;
using NServe.Core.Errors;
using NServe.Core.Tensors;
using NServe.TensorFlow.Checkpoint;
using Tensorflow;

namespace NServe.TensorFlow.Tests.Checkpoint;

public class TensorBundleReaderTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Prefix => _dir.Combine("variables", "variables");

    [Fact]
    public void ReadsEveryNumericTypeWithItsShape()
    {
        var writer = new TestBundleWriter()
            .AddValues("f32", TensorDataType.Float, [2, 2], new[] { 1.5f, -2f, 3.25f, 0f })
            .AddValues("f64", TensorDataType.Double, [3], new[] { 1e300, -0.5, 2.0 })
            .AddValues("i32", TensorDataType.Int32, [1, 3], new[] { int.MinValue, 0, int.MaxValue })
            .AddValues("u8", TensorDataType.UInt8, [4], new byte[] { 0, 1, 128, 255 })
            .AddValues("i16", TensorDataType.Int16, [2], new short[] { -300, 300 })
            .AddValues("i8", TensorDataType.Int8, [2], new sbyte[] { -128, 127 })
            .AddValues("i64", TensorDataType.Int64, [], new[] { long.MinValue + 1 })
            .AddValues("bool", TensorDataType.Bool, [3], new byte[] { 1, 0, 1 })
            .AddValues("u16", TensorDataType.UInt16, [1], new ushort[] { 65535 })
            .AddValues("half", TensorDataType.Half, [2], new[] { (Half)0.5, (Half)(-3) })
            .AddValues("u32", TensorDataType.UInt32, [1], new[] { 4000000000u })
            .AddValues("u64", TensorDataType.UInt64, [1], new[] { ulong.MaxValue - 1 })
            .AddValues("empty", TensorDataType.Float, [0, 5], Array.Empty<float>());
        using var reader = TensorBundleReader.Open(writer.Write(Prefix));

        Assert.Equal(["bool", "empty", "f32", "f64", "half", "i16", "i32", "i64", "i8", "u16", "u32", "u64", "u8"], reader.Keys);
        AssertTensor(reader.Read("f32"), TensorDataType.Float, [2, 2], new[] { 1.5f, -2f, 3.25f, 0f });
        AssertTensor(reader.Read("f64"), TensorDataType.Double, [3], new[] { 1e300, -0.5, 2.0 });
        AssertTensor(reader.Read("i32"), TensorDataType.Int32, [1, 3], new[] { int.MinValue, 0, int.MaxValue });
        AssertTensor(reader.Read("u8"), TensorDataType.UInt8, [4], new byte[] { 0, 1, 128, 255 });
        AssertTensor(reader.Read("i16"), TensorDataType.Int16, [2], new short[] { -300, 300 });
        AssertTensor(reader.Read("i8"), TensorDataType.Int8, [2], new sbyte[] { -128, 127 });
        AssertTensor(reader.Read("i64"), TensorDataType.Int64, [], new[] { long.MinValue + 1 });
        AssertTensor(reader.Read("bool"), TensorDataType.Bool, [3], new byte[] { 1, 0, 1 });
        AssertTensor(reader.Read("u16"), TensorDataType.UInt16, [1], new ushort[] { 65535 });
        AssertTensor(reader.Read("half"), TensorDataType.Half, [2], new[] { (Half)0.5, (Half)(-3) });
        AssertTensor(reader.Read("u32"), TensorDataType.UInt32, [1], new[] { 4000000000u });
        AssertTensor(reader.Read("u64"), TensorDataType.UInt64, [1], new[] { ulong.MaxValue - 1 });
        AssertTensor(reader.Read("empty"), TensorDataType.Float, [0, 5], Array.Empty<float>());
    }

    [Fact]
    public void ReadsStringTensors()
    {
        var longText = new string('x', 300); // a two-byte varint length
        using var reader = TensorBundleReader.Open(new TestBundleWriter()
            .AddStrings("words", [2, 2], ["", "héllo", longText, "a\0b"])
            .AddStrings("none", [0], [])
            .Write(Prefix));

        var words = reader.Read("words");
        Assert.Equal(TensorDataType.String, words.DataType);
        Assert.Equal([2L, 2], words.Shape);
        Assert.Equal(["", "héllo", longText, "a\0b"], words.Strings.Select(Encoding.UTF8.GetString));
        Assert.Empty(reader.Read("none").Strings);
    }

    [Fact]
    public void BigEndianBundlesAreSwappedToHostOrder()
    {
        using var reader = TensorBundleReader.Open(new TestBundleWriter(bigEndian: true)
            .AddValues("f", TensorDataType.Float, [2], new[] { 0.5f, 2f })
            .AddValues("l", TensorDataType.Int64, [1], new[] { 0x0102030405060708L })
            .AddStrings("s", [2], ["ab", "cde"])
            .Write(Prefix));

        AssertTensor(reader.Read("f"), TensorDataType.Float, [2], new[] { 0.5f, 2f });
        AssertTensor(reader.Read("l"), TensorDataType.Int64, [1], new[] { 0x0102030405060708L });
        Assert.Equal(["ab", "cde"], reader.Read("s").Strings.Select(Encoding.UTF8.GetString));
    }

    [Fact]
    public void ReadsTensorsFromSeveralShards()
    {
        using var reader = TensorBundleReader.Open(new TestBundleWriter(shardCount: 3)
            .AddValues("a", TensorDataType.Float, [1], new[] { 1f }, shard: 2)
            .AddValues("b", TensorDataType.Float, [1], new[] { 2f }, shard: 0)
            .AddStrings("c", [1], ["three"], shard: 1)
            .Write(Prefix));

        Assert.Equal(3, reader.Header.NumShards);
        Assert.True(File.Exists(Prefix + ".data-00002-of-00003"));
        AssertTensor(reader.Read("a"), TensorDataType.Float, [1], new[] { 1f });
        AssertTensor(reader.Read("b"), TensorDataType.Float, [1], new[] { 2f });
        Assert.Equal("three", Encoding.UTF8.GetString(reader.Read("c").Strings[0]));
    }

    [Fact]
    public void MissingShardFailsAtOpenNamingTheFile()
    {
        new TestBundleWriter(shardCount: 2)
            .AddValues("a", TensorDataType.Float, [1], new[] { 1f }, shard: 1)
            .Write(Prefix);
        var missing = Prefix + ".data-00001-of-00002";
        File.Delete(missing);

        var error = Assert.Throws<CheckpointException>(() => TensorBundleReader.Open(Prefix));

        Assert.Equal(StatusCode.NotFound, error.Code);
        Assert.Equal(missing, error.FilePath);
        Assert.Contains(missing, error.Message);
    }

    [Fact]
    public void AssemblesAPartitionedVariableFromRowSlices()
    {
        // A [5, 3] variable split by rows into 2 + 3, the second dimension whole in both, as
        // tf.fixed_size_partitioner saves it; stored in two shards.
        float[] all = [.. Enumerable.Range(0, 15).Select(i => (float)i)];
        using var reader = TensorBundleReader.Open(new TestBundleWriter(shardCount: 2)
            .AddFloatSlice("dnn/kernel", [5, 3], [(0, 2), (0, -1)], all[..6], shard: 0)
            .AddFloatSlice("dnn/kernel", [5, 3], [(2, 3), (0, -1)], all[6..], shard: 1)
            .Write(Prefix));

        Assert.Equal(["dnn/kernel"], reader.Keys);
        Assert.Equal(2, reader.GetEntry("dnn/kernel").Slices.Count);
        AssertTensor(reader.Read("dnn/kernel"), TensorDataType.Float, [5, 3], all);
    }

    [Fact]
    public void AssemblesAVariablePartitionedAlongSeveralDimensions()
    {
        // [2, 4, 3] split into four blocks: dim 0 into 1 + 1, dim 1 into 3 + 1, dim 2 whole.
        long[] shape = [2, 4, 3];
        float Value(long i, long j, long k) => (i * 100) + (j * 10) + k;
        float[] Block(long i0, long i1, long j0, long j1)
        {
            var values = new List<float>();
            for (var i = i0; i < i1; i++)
            {
                for (var j = j0; j < j1; j++)
                {
                    for (var k = 0; k < 3; k++)
                    {
                        values.Add(Value(i, j, k));
                    }
                }
            }

            return [.. values];
        }

        using var reader = TensorBundleReader.Open(new TestBundleWriter()
            .AddFloatSlice("w", shape, [(1, 1), (3, 1), (0, -1)], Block(1, 2, 3, 4))
            .AddFloatSlice("w", shape, [(0, 1), (0, 3), (0, -1)], Block(0, 1, 0, 3))
            .AddFloatSlice("w", shape, [(1, 1), (0, 3), (0, 3)], Block(1, 2, 0, 3))
            .AddFloatSlice("w", shape, [(0, 1), (3, 1), (0, -1)], Block(0, 1, 3, 4))
            .Write(Prefix));

        AssertTensor(reader.Read("w"), TensorDataType.Float, shape, Block(0, 2, 0, 4));
    }

    [Fact]
    public void PartitionedVariableWithAMissingSliceEntryIsAnError()
    {
        new TestBundleWriter()
            .AddFloatSlice("w", [4], [(0, 2)], [1f, 2f])
            .Edit("w", entry => entry.Slices.Add(new TensorSliceProto { Extent = { new TensorSliceProto.Types.Extent { Start = 2, Length = 2 } } }))
            .Write(Prefix);
        using var reader = TensorBundleReader.Open(Prefix);

        var error = Assert.Throws<CheckpointException>(() => reader.Read("w"));

        Assert.Contains("partitioned variable 'w' lists slice 2,2 but the index holds no entry for it", error.Message);
        Assert.Contains(reader.IndexPath, error.Message);
    }

    [Fact]
    public void PartitionedVariableWhoseSlicesLeaveAGapIsAnError()
    {
        using var reader = TensorBundleReader.Open(new TestBundleWriter()
            .AddFloatSlice("w", [5], [(0, 2)], [1f, 2f])
            .AddFloatSlice("w", [5], [(3, 2)], [4f, 5f])
            .Write(Prefix));

        var error = Assert.Throws<CheckpointException>(() => reader.Read("w"));

        Assert.Contains("cover 4 of its 5 elements", error.Message);
    }

    [Fact]
    public void PartitionedVariableWithOverlappingSlicesIsAnError()
    {
        using var reader = TensorBundleReader.Open(new TestBundleWriter()
            .AddFloatSlice("w", [4], [(0, 3)], [1f, 2f, 3f])
            .AddFloatSlice("w", [4], [(2, 2)], [3f, 4f])
            .Write(Prefix));

        var error = Assert.Throws<CheckpointException>(() => reader.Read("w"));

        Assert.Contains("overlap", error.Message);
    }

    [Fact]
    public void ChangedTensorBytesAreAChecksumErrorNamingTheDataFile()
    {
        new TestBundleWriter().AddValues("w", TensorDataType.Float, [4], new[] { 1f, 2f, 3f, 4f }).Write(Prefix);
        var data = Prefix + ".data-00000-of-00001";
        var bytes = File.ReadAllBytes(data);
        bytes[^1] ^= 0x01;
        File.WriteAllBytes(data, bytes);
        using var reader = TensorBundleReader.Open(Prefix);

        var error = Assert.Throws<CheckpointException>(() => reader.Read("w"));

        Assert.Equal(StatusCode.DataLoss, error.Code);
        Assert.Equal(data, error.FilePath);
        Assert.Contains($"variables file {data} is corrupt: checksum mismatch for 'w'", error.Message);
    }

    [Fact]
    public void ChangedStringBytesAndLengthsAreChecksumErrors()
    {
        new TestBundleWriter().AddStrings("s", [2], ["abc", "de"]).Write(Prefix);
        var data = Prefix + ".data-00000-of-00001";
        var original = File.ReadAllBytes(data);

        var bytes = (byte[])original.Clone();
        bytes[^1] ^= 0x01; // last string byte
        File.WriteAllBytes(data, bytes);
        using (var reader = TensorBundleReader.Open(Prefix))
        {
            Assert.Contains("checksum mismatch for 's'", Assert.Throws<CheckpointException>(() => reader.Read("s")).Message);
        }

        bytes = (byte[])original.Clone();
        bytes[^(5 + 4 + 1)] ^= 0x01; // the length checksum, just before the 5 string bytes
        File.WriteAllBytes(data, bytes);
        using (var reader = TensorBundleReader.Open(Prefix))
        {
            Assert.Contains("checksum mismatch in the string lengths of 's'", Assert.Throws<CheckpointException>(() => reader.Read("s")).Message);
        }
    }

    [Fact]
    public void SizeThatDisagreesWithTheShapeIsAnError()
    {
        using var reader = TensorBundleReader.Open(new TestBundleWriter()
            .AddValues("w", TensorDataType.Float, [2], new[] { 1f, 2f })
            .Edit("w", entry => entry.Shape.Dim[0].Size = 3)
            .Write(Prefix));

        var error = Assert.Throws<CheckpointException>(() => reader.Read("w"));

        Assert.Contains("the entry for 'w' says 8 bytes, but DT_FLOAT [3] needs 12", error.Message);
    }

    [Fact]
    public void EntryPastTheEndOfItsShardFailsAtOpenAsTruncation()
    {
        new TestBundleWriter().AddValues("w", TensorDataType.Float, [4], new[] { 1f, 2f, 3f, 4f }).Write(Prefix);
        var data = Prefix + ".data-00000-of-00001";
        var bytes = File.ReadAllBytes(data);
        File.WriteAllBytes(data, bytes[..^5]);

        var error = Assert.Throws<CheckpointException>(() => TensorBundleReader.Open(Prefix));

        Assert.Equal(data, error.FilePath);
        Assert.Contains("truncated", error.Message);
    }

    [Fact]
    public void TypeNServeCannotHoldIsUnimplementedNamingTheVariable()
    {
        using var reader = TensorBundleReader.Open(new TestBundleWriter()
            .AddValues("bf", TensorDataType.UInt16, [2], new ushort[] { 1, 2 })
            .Edit("bf", entry => entry.Dtype = DataType.DtBfloat16)
            .Write(Prefix));

        var error = Assert.Throws<CheckpointException>(() => reader.Read("bf"));

        Assert.Equal(StatusCode.Unimplemented, error.Code);
        Assert.Contains("variable 'bf'", error.Message);
        Assert.Contains("DT_BFLOAT16", error.Message);
    }

    [Fact]
    public void UnknownKeyIsNotFound()
    {
        using var reader = TensorBundleReader.Open(new TestBundleWriter()
            .AddValues("w", TensorDataType.Float, [1], new[] { 1f })
            .Write(Prefix));

        Assert.False(reader.Contains("v"));
        var error = Assert.Throws<CheckpointException>(() => reader.Read("v"));
        Assert.Equal(StatusCode.NotFound, error.Code);
        Assert.Contains("Key v not found in checkpoint", error.Message);
    }

    [Fact]
    public void IndexWithoutAHeaderIsCorrupt()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Prefix)!);
        File.WriteAllBytes(Prefix + ".index", new LevelDbTableWriter().Add("w"u8.ToArray(), []).Build());

        var error = Assert.Throws<CheckpointException>(() => TensorBundleReader.Open(Prefix));

        Assert.Contains("no header entry", error.Message);
    }

    [Fact]
    public void HeaderNeedingANewerReaderIsRejected()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Prefix)!);
        var header = new BundleHeaderProto { NumShards = 1, Version = new VersionDef { Producer = 2, MinConsumer = 2 } };
        File.WriteAllBytes(Prefix + ".index", new LevelDbTableWriter().Add([], Google.Protobuf.MessageExtensions.ToByteArray(header)).Build());

        var error = Assert.Throws<CheckpointException>(() => TensorBundleReader.Open(Prefix));

        Assert.Equal(StatusCode.InvalidArgument, error.Code);
        Assert.Contains("needs a reader of version 2", error.Message);
    }

    [Fact]
    public void MissingIndexIsNotFoundNamingTheFile()
    {
        var error = Assert.Throws<CheckpointException>(() => TensorBundleReader.Open(Prefix));

        Assert.Equal(StatusCode.NotFound, error.Code);
        Assert.Contains(Prefix + ".index", error.Message);
    }

    private static void AssertTensor<T>(Tensor tensor, TensorDataType dataType, long[] shape, T[] values)
        where T : struct
    {
        using (tensor)
        {
            Assert.Equal(dataType, tensor.DataType);
            Assert.Equal(shape, tensor.Shape);
            Assert.Equal(values, tensor.AsSpan<T>().ToArray());
        }
    }
}
