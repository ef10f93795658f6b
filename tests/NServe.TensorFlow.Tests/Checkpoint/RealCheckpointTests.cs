using NServe.Core.Errors;
using NServe.Core.Tensors;
using NServe.TensorFlow.Checkpoint;
using Tensorflow;

namespace NServe.TensorFlow.Tests.Checkpoint;

/// <summary>Checkpoints written by real TensorFlow (1.0 to 2.14), from ../shared/testdata.</summary>
public class RealCheckpointTests
{
    private const string MissingDataModel = "mltd__mnist_model";

    public static TheoryData<string> ReadablePrefixes() =>
        [.. CheckpointTestData.VariablePrefixes().Where(prefix => !prefix.Contains(MissingDataModel, StringComparison.Ordinal))];

    public static TheoryData<string, string> HalfPlusModels() => new()
    {
        { "tfserving/saved_model_half_plus_two_cpu/00000123", "a=0.5 a2=0.5 b=2 c=3 c2=3" },
        { "tfserving/saved_model_half_plus_two_mlmd/00000123", "a=0.5 a2=0.5 b=2 c=3 c2=3" },
        { "tfserving/saved_model_half_plus_two_cpu_with_saved_model_config/00000123", "a=0.5 a2=0.5 b=2 c=3 c2=3" },
        { "tfserving/saved_model_half_plus_two_2_versions/00000123", "a=0.5 b=2 c=3" },
        { "tfserving/saved_model_half_plus_two_2_versions/00000124", "a=0.5 b=2 c=3" },
        { "tfserving/saved_model_half_plus_two_gpu/00000123", "a=0.5 b=2 c=3" },
        { "tfserving/saved_model_half_plus_three/00000123", "a=0.5 b=3 c=3" },
        { "tfserving/saved_model_counter/00000123", "counter=0" },
    };

    [TestDataTheory]
    [MemberData(nameof(HalfPlusModels))]
    public void HalfPlusModelsHoldTheirDocumentedScalars(string model, string expected)
    {
        using var reader = TensorBundleReader.Open(CheckpointTestData.Path(model, "variables", "variables"));

        Assert.Equal(1, reader.Header.NumShards);
        Assert.Equal(BundleHeaderProto.Types.Endianness.Little, reader.Header.Endianness);
        Assert.Equal(1, reader.Header.Version.Producer);
        var pairs = expected.Split(' ').Select(pair => pair.Split('=')).ToList();
        Assert.Equal(pairs.Select(p => p[0]), reader.Keys);
        foreach (var pair in pairs)
        {
            using var tensor = reader.Read(pair[0]);
            Assert.Equal(TensorDataType.Float, tensor.DataType);
            Assert.Empty(tensor.Shape);
            Assert.Equal(float.Parse(pair[1], System.Globalization.CultureInfo.InvariantCulture), tensor.AsSpan<float>()[0]);
        }
    }

    [TestDataFact]
    public void Tf2HalfPlusTwoKeysAreObjectGraphPathsAndTheGraphIsAStringScalar()
    {
        using var reader = TensorBundleReader.Open(
            CheckpointTestData.Path("tfserving", "saved_model_half_plus_two_tf2_cpu", "00000123", "variables", "variables"));

        Assert.Contains("a/.ATTRIBUTES/VARIABLE_VALUE", reader.Keys);
        Assert.Equal(0.5f, reader.Read("a/.ATTRIBUTES/VARIABLE_VALUE").AsSpan<float>()[0]);
        Assert.Equal(2f, reader.Read("b/.ATTRIBUTES/VARIABLE_VALUE").AsSpan<float>()[0]);
        Assert.Equal(3f, reader.Read("c/.ATTRIBUTES/VARIABLE_VALUE").AsSpan<float>()[0]);

        // models.md: stored at offset 12, 619 bytes = varint 613 + 4-byte length checksum + 613 bytes.
        var entry = reader.GetEntry("_CHECKPOINTABLE_OBJECT_GRAPH");
        Assert.Equal((12L, 619L), (entry.Offset, entry.Size));
        var graph = reader.Read("_CHECKPOINTABLE_OBJECT_GRAPH");
        Assert.Equal(TensorDataType.String, graph.DataType);
        Assert.Empty(graph.Shape);
        Assert.Equal(613, graph.Strings[0].Length);
        var objectGraph = TrackableObjectGraph.Parser.ParseFrom(graph.Strings[0]);
        Assert.Contains(
            objectGraph.Nodes.SelectMany(node => node.Attributes),
            attribute => attribute.CheckpointKey == "a/.ATTRIBUTES/VARIABLE_VALUE");
    }

    [TestDataTheory]
    [MemberData(nameof(ReadablePrefixes))]
    public void EveryTensorOfEveryModelDecodesWithAMatchingChecksum(string prefix)
    {
        using var reader = TensorBundleReader.Open(CheckpointTestData.Path(prefix));

        Assert.NotEmpty(reader.Keys);
        foreach (var key in reader.Keys)
        {
            var entry = reader.GetEntry(key);
            using var tensor = reader.Read(key);
            Assert.Equal((int)entry.Dtype, (int)tensor.DataType);
            Assert.Equal(entry.Shape.Dim.Select(d => d.Size), tensor.Shape);
            if (tensor.IsString)
            {
                Assert.Equal(tensor.ElementCount, tensor.Strings.Length);
            }
            else
            {
                Assert.Equal(entry.Size, tensor.Bytes.Length);
            }
        }
    }

    [TestDataFact]
    public void SnappyIndexOfEffDetModelReadsFully()
    {
        using var reader = TensorBundleReader.Open(
            CheckpointTestData.Path("savedmodels", "tfexamples__fake_effdet_lite0_hub", "variables", "variables"));

        Assert.Contains("_CHECKPOINTABLE_OBJECT_GRAPH", reader.Keys);
        var floats = reader.Keys.Select(reader.GetEntry).Where(e => e.Dtype == DataType.DtFloat).ToList();
        Assert.NotEmpty(floats);
        Assert.Equal(16407, new FileInfo(reader.Prefix + ".data-00000-of-00001").Length);
    }

    [TestDataFact]
    public void ModelWithItsDataFileMissingFailsNamingTheFile()
    {
        var prefix = CheckpointTestData.Path("savedmodels", MissingDataModel, "variables", "variables");

        var error = Assert.Throws<CheckpointException>(() => TensorBundleReader.Open(prefix));

        Assert.Equal(StatusCode.NotFound, error.Code);
        Assert.Equal(prefix + ".data-00000-of-00001", error.FilePath);
        Assert.Contains(prefix + ".data-00000-of-00001", error.Message);
    }

    [TestDataFact]
    public void FlippedByteInTheRealIndexIsACrcErrorNamingTheIndex()
    {
        using var copy = CopyOfHalfPlusTwo(out var prefix);
        var index = prefix + ".index";
        var bytes = File.ReadAllBytes(index);
        bytes[3] ^= 0x10; // inside the first (Snappy) data block
        File.WriteAllBytes(index, bytes);

        var error = Assert.Throws<CheckpointException>(() => TensorBundleReader.Open(prefix));

        Assert.Equal(StatusCode.DataLoss, error.Code);
        Assert.Equal(index, error.FilePath);
        Assert.Contains($"variables file {index} is corrupt: checksum mismatch in data block 0", error.Message);
    }

    [TestDataFact]
    public void FlippedByteInTheRealDataIsACrcErrorNamingTheDataFile()
    {
        using var copy = CopyOfHalfPlusTwo(out var prefix);
        var data = prefix + ".data-00000-of-00001";
        var bytes = File.ReadAllBytes(data);
        using (var original = TensorBundleReader.Open(prefix))
        {
            bytes[(int)original.GetEntry("b").Offset] ^= 0x01;
        }

        File.WriteAllBytes(data, bytes);
        using var reader = TensorBundleReader.Open(prefix);

        Assert.Equal(0.5f, reader.Read("a").AsSpan<float>()[0]);
        var error = Assert.Throws<CheckpointException>(() => reader.Read("b"));
        Assert.Equal(data, error.FilePath);
        Assert.Contains("checksum mismatch for 'b'", error.Message);
    }

    [TestDataFact]
    public void TruncatedRealDataFileIsAClearError()
    {
        using var copy = CopyOfHalfPlusTwo(out var prefix);
        var data = prefix + ".data-00000-of-00001";
        File.WriteAllBytes(data, File.ReadAllBytes(data)[..10]);

        var error = Assert.Throws<CheckpointException>(() => TensorBundleReader.Open(prefix));

        Assert.Equal(data, error.FilePath);
        Assert.Contains($"variables file {data} is corrupt: it is 10 bytes, but the index places tensors up to byte 20; the file is truncated", error.Message);
    }

    [TestDataFact]
    public void DeletedRealDataFileIsNotFoundNamingTheFile()
    {
        using var copy = CopyOfHalfPlusTwo(out var prefix);
        var data = prefix + ".data-00000-of-00001";
        File.Delete(data);

        var error = Assert.Throws<CheckpointException>(() => TensorBundleReader.Open(prefix));

        Assert.Equal(StatusCode.NotFound, error.Code);
        Assert.Equal($"variables data file {data} is missing", error.Message);
    }

    private static TempDirectory CopyOfHalfPlusTwo(out string prefix)
    {
        var copy = new TempDirectory();
        var source = CheckpointTestData.Path("tfserving", "saved_model_half_plus_two_cpu", "00000123", "variables");
        foreach (var file in Directory.EnumerateFiles(source))
        {
            File.Copy(file, copy.Combine(Path.GetFileName(file)));
        }

        prefix = copy.Combine("variables");
        return copy;
    }
}
