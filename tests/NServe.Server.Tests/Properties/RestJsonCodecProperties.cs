using System.Buffers;
using System.Text;
using CsCheck;
using NServe.Core.Servables;
using NServe.Core.Tensors;
using NServe.Server.Rest.Json;

namespace NServe.Server.Tests.Properties;

/// <summary>
/// Property: any tensors the REST codec writes (predict response, row or columnar), it reads back unchanged as a
/// request: every dtype with arbitrary bit patterns (NaN, ±Infinity, subnormals, extremes), arbitrary bytes in
/// plain and <c>_bytes</c> string inputs, scalars to rank 3, one to three named tensors.
/// </summary>
public class RestJsonCodecProperties
{
    private static readonly TensorDataType[] JsonTypes =
    [
        TensorDataType.Float, TensorDataType.Double, TensorDataType.Half, TensorDataType.Int8, TensorDataType.UInt8,
        TensorDataType.Int16, TensorDataType.UInt16, TensorDataType.Int32, TensorDataType.UInt32, TensorDataType.Int64,
        TensorDataType.UInt64, TensorDataType.Bool, TensorDataType.String,
    ];

    // Special floats (NaN, ±Infinity, ±0, max, epsilon) half the time, raw bit patterns otherwise.
    private static readonly Gen<byte[]> FloatBits = Gen.Frequency(
        (1, Gen.Float.Special.Select(f => BitConverter.GetBytes(f))),
        (1, Gen.Byte.Array[4]));

    private static readonly Gen<byte[]> DoubleBits = Gen.Frequency(
        (1, Gen.Double.Special.Select(d => BitConverter.GetBytes(d))),
        (1, Gen.Byte.Array[8]));

    private static readonly Gen<byte[]> Bytes = Gen.Frequency(
        (2, Gen.String[0, 12].Select(s => Encoding.UTF8.GetBytes(s))),
        (1, Gen.Byte.Array[0, 12]));

    [Fact]
    public void Written_tensors_read_back_unchanged_in_row_format()
    {
        var gen =
            from batch in Gen.Int[1, 4]
            from count in Gen.Int[1, 3]
            from tensors in TensorGen(batch).Array[count]
            select tensors;

        gen.Sample(tensors => AssertRoundTrip(PredictRequestFormat.Row, tensors), iter: 400, threads: 1);
    }

    [Fact]
    public void Written_tensors_read_back_unchanged_in_columnar_format()
    {
        var gen =
            from count in Gen.Int[1, 3]
            from tensors in Gen.Int[0, 4].SelectMany(batch => TensorGen(batch == 0 ? null : batch)).Array[count]
            select tensors;

        gen.Sample(tensors => AssertRoundTrip(PredictRequestFormat.Columnar, tensors), iter: 400, threads: 1);
    }

    /// <summary>A tensor description: dtype, alias, shape (leading <paramref name="batch"/>, or a scalar when null), elements.</summary>
    private static Gen<GeneratedTensor> TensorGen(int? batch) =>
        from type in Gen.OneOf(JsonTypes)
        from bytesAlias in Gen.Bool
        from inner in Gen.Int[1, 3].Array[0, batch is null ? 0 : 2]
        let shape = batch is null ? Array.Empty<long>() : [batch.Value, .. inner.Select(d => (long)d)]
        let count = (int)Tensor.ElementCountOf(shape)
        from values in ElementGen(type).Array[count]
        select new GeneratedTensor(type, type == TensorDataType.String && bytesAlias, shape, values);

    private static Gen<byte[]> ElementGen(TensorDataType type) => type switch
    {
        TensorDataType.Float => FloatBits,
        TensorDataType.Double => DoubleBits,
        TensorDataType.Bool => Gen.Bool.Select(b => new[] { (byte)(b ? 1 : 0) }),
        TensorDataType.String => Bytes,
        _ => Gen.Byte.Array[TensorDataTypes.ElementSize(type)],
    };

    private static void AssertRoundTrip(PredictRequestFormat format, GeneratedTensor[] generated)
    {
        var outputs = new List<KeyValuePair<string, Tensor>>();
        try
        {
            for (var i = 0; i < generated.Length; i++)
            {
                outputs.Add(KeyValuePair.Create(generated[i].Alias(i), generated[i].ToTensor()));
            }

            var signature = new Signature(
                Signature.PredictMethod,
                outputs.Select(o => KeyValuePair.Create(o.Key, new TensorSpec(o.Key + ":0", o.Value.DataType, null))).ToList(),
                []);
            var buffer = new ArrayBufferWriter<byte>();
            PredictResponseWriter.Write(buffer, format, outputs);

            using var request = PredictRequestReader.Read(AsRequest(buffer.WrittenSpan, format), _ => signature);

            Assert.Equal(format, request.Format);
            Assert.Equal(outputs.Count, request.Inputs.Count);
            foreach (var (alias, expected) in outputs)
            {
                AssertSameTensor(expected, request.Inputs[alias]);
            }
        }
        finally
        {
            outputs.ForEach(o => o.Value.Dispose());
        }
    }

    /// <summary>The response's top-level key (<c>predictions</c>/<c>outputs</c>) becomes the request's.</summary>
    private static byte[] AsRequest(ReadOnlySpan<byte> response, PredictRequestFormat format)
    {
        var (from, to) = format == PredictRequestFormat.Row
            ? ("{\"predictions\":"u8.ToArray(), "{\"instances\":"u8.ToArray())
            : ("{\"outputs\":"u8.ToArray(), "{\"inputs\":"u8.ToArray());
        Assert.True(response.StartsWith(from), Encoding.UTF8.GetString(response));
        return [.. to, .. response[from.Length..]];
    }

    private static void AssertSameTensor(Tensor expected, Tensor actual)
    {
        Assert.Equal(expected.DataType, actual.DataType);
        Assert.Equal(expected.Shape, actual.Shape);
        if (expected.IsString)
        {
            Assert.Equal(expected.Strings, actual.Strings);
            return;
        }

        switch (expected.DataType)
        {
            case TensorDataType.Float:
                AssertSameBits(expected.AsSpan<float>(), actual.AsSpan<float>(), float.IsNaN);
                break;
            case TensorDataType.Double:
                AssertSameBits(expected.AsSpan<double>(), actual.AsSpan<double>(), double.IsNaN);
                break;
            case TensorDataType.Half:
                AssertSameBits(expected.AsSpan<Half>(), actual.AsSpan<Half>(), Half.IsNaN);
                break;
            default:
                Assert.Equal(expected.Bytes.ToArray(), actual.Bytes.ToArray());
                break;
        }
    }

    /// <summary>Bit-exact, except that every NaN reads back as some NaN: JSON has one NaN, without payload.</summary>
    private static void AssertSameBits<T>(Span<T> expected, Span<T> actual, Func<T, bool> isNaN)
        where T : struct
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            if (isNaN(expected[i]))
            {
                Assert.True(isNaN(actual[i]), $"element {i}: NaN read back as {actual[i]}");
            }
            else
            {
                Assert.True(expected[i].Equals(actual[i]) && SignOf(expected[i]) == SignOf(actual[i]), $"element {i}: {expected[i]} read back as {actual[i]}");
            }
        }
    }

    // Equals treats -0 and +0 as equal; the sign must survive too.
    private static bool SignOf<T>(T value) => value switch
    {
        float f => float.IsNegative(f),
        double d => double.IsNegative(d),
        Half h => Half.IsNegative(h),
        _ => false,
    };

    private sealed record GeneratedTensor(TensorDataType Type, bool BytesAlias, long[] Shape, byte[][] Elements)
    {
        public string Alias(int index) => $"t{index}{(BytesAlias ? "_bytes" : "")}";

        public Tensor ToTensor() => Type == TensorDataType.String
            ? Tensor.FromStrings(Shape, Elements)
            : Tensor.FromValues<byte>(Type, Shape, Elements.SelectMany(e => e).ToArray());

        public override string ToString() =>
            $"{TensorDataTypes.TfName(Type)} {Alias(0)} [{string.Join(",", Shape)}] {string.Join(" ", Elements.Select(Convert.ToHexString))}";
    }
}
