using System.Buffers.Binary;
using NServe.TensorFlow.Checkpoint;
using Tensorflow;

namespace NServe.Fuzz.Targets;

/// <summary>
/// The TensorBundle reader (LevelDB table index, data shard, CRC32C, slices): the input is
/// <c>[u16 LE index length][variables.index][variables.data-00000-of-00001]</c>, written as a checkpoint;
/// <see cref="TensorBundleReader.Open"/> and a <see cref="TensorBundleReader.Read"/> of every key document
/// <see cref="CheckpointException"/> for anything missing or corrupt.
/// </summary>
internal sealed class TensorBundleTarget : FuzzTarget
{
    private readonly string _prefix = Path.Combine(ScratchDirectory.Create("tensor-bundle"), "variables");

    public override string Name => "tensor-bundle";

    protected override void Execute(byte[] input)
    {
        var indexLength = input.Length < 2 ? 0 : Math.Min(BinaryPrimitives.ReadUInt16LittleEndian(input), input.Length - 2);
        var body = input.AsSpan(Math.Min(2, input.Length));
        File.WriteAllBytes(TensorBundleReader.IndexPathOf(_prefix), body[..indexLength].ToArray());
        File.WriteAllBytes(TensorBundleReader.DataPathOf(_prefix, 0, 1), body[indexLength..].ToArray());

        using var reader = TensorBundleReader.Open(_prefix);
        foreach (var key in reader.Keys)
        {
            try
            {
                reader.Read(key).Dispose();
            }
            catch (CheckpointException)
            {
                // One bad tensor does not stop the others from being read.
            }
        }
    }

    protected override bool IsDocumentedRejection(Exception e) => e is CheckpointException;

    public override IEnumerable<KeyValuePair<string, byte[]>> Seeds(string? testData)
    {
        yield return KeyValuePair.Create("generated.bin", new SeedCheckpoint()
            .Add("a", DataType.DtFloat, [], BitConverter.GetBytes(0.5f))
            .Add("b", DataType.DtFloat, [2, 2], [.. new[] { 1f, 2f, 3f, 4f }.SelectMany(BitConverter.GetBytes)])
            .Add("b_step", DataType.DtInt64, [1], BitConverter.GetBytes(42L))
            .Add("global_flag", DataType.DtBool, [3], [1, 0, 1])
            .ToFuzzInput());

        // TF-written checkpoints (strings, several entries) under 1 KB, when the shared test data is there.
        foreach (var index in testData is null ? [] : Directory.EnumerateFiles(testData, "variables.index", SearchOption.AllDirectories))
        {
            var data = Path.Combine(Path.GetDirectoryName(index)!, "variables.data-00000-of-00001");
            if (File.Exists(data) && new FileInfo(index).Length + new FileInfo(data).Length < 1024)
            {
                var indexBytes = File.ReadAllBytes(index);
                var name = Path.GetRelativePath(testData!, index).Replace('/', '_');
                yield return KeyValuePair.Create<string, byte[]>(name + ".bin", [.. BitConverter.GetBytes((ushort)indexBytes.Length), .. indexBytes, .. File.ReadAllBytes(data)]);
            }
        }
    }
}
