using Google.Protobuf;
using NServe.Core.Tensors;
using Tensorflow;

namespace NServe.TensorFlow.Tests.HostKernels;

/// <summary>Builds serialized tf.Example protos and string tensors of them.</summary>
internal static class Examples
{
    public static Feature Floats(params float[] values) => new() { FloatList = new FloatList { Value = { values } } };

    public static Feature Int64s(params long[] values) => new() { Int64List = new Int64List { Value = { values } } };

    public static Feature Bytes(params string[] values) =>
        new() { BytesList = new BytesList { Value = { values.Select(ByteString.CopyFromUtf8) } } };

    public static byte[] Serialize(params (string Key, Feature Value)[] features)
    {
        var example = new Example { Features = new Features() };
        foreach (var (key, value) in features)
        {
            example.Features.Feature[key] = value;
        }

        return example.ToByteArray();
    }

    public static Tensor Batch(params byte[][] examples) => Tensor.FromStrings([examples.Length], examples);
}
