using System.Text;
using NServe.Core.Tensors;
using NServe.Server.Rest.Json;
using static NServe.Server.Tests.Rest.Json.JsonTestSupport;

namespace NServe.Server.Tests.Rest.Json;

/// <summary>What the writer emits, the reader takes back unchanged: every element type, both formats.</summary>
public class RoundTripTests
{
    public static TheoryData<TensorDataType> NumericTypes() =>
    [
        TensorDataType.Float, TensorDataType.Double, TensorDataType.Half, TensorDataType.Int8, TensorDataType.UInt8,
        TensorDataType.Int16, TensorDataType.UInt16, TensorDataType.Int32, TensorDataType.UInt32, TensorDataType.Int64,
        TensorDataType.UInt64, TensorDataType.Bool,
    ];

    [Theory]
    [MemberData(nameof(NumericTypes))]
    public void Numeric_tensors_survive_both_formats(TensorDataType type)
    {
        using var original = Tensor.FromValues<byte>(type, [2, 3], SampleBytes(type, 6));

        foreach (var format in new[] { PredictRequestFormat.Row, PredictRequestFormat.Columnar })
        {
            var json = Write(format, ("y", original));
            var body = format == PredictRequestFormat.Row
                ? json.Replace("{\"predictions\":", "{\"instances\":", StringComparison.Ordinal)
                : json.Replace("{\"outputs\":", "{\"inputs\":", StringComparison.Ordinal);
            using var request = Read(body, Signature(("y", type)));

            var decoded = request.Inputs["y"];
            Assert.Equal(format, request.Format);
            Assert.Equal(type, decoded.DataType);
            Assert.Equal(original.Shape, decoded.Shape);
            Assert.Equal(original.Bytes.ToArray(), decoded.Bytes.ToArray());
        }
    }

    [Fact]
    public void Non_finite_and_extreme_floats_survive()
    {
        float[] floats = [float.NaN, float.PositiveInfinity, float.NegativeInfinity, float.MaxValue, float.MinValue, float.Epsilon, -0f, 1e-45f, 3.4028235e38f, 0.1f];
        double[] doubles = [double.NaN, double.PositiveInfinity, double.NegativeInfinity, double.MaxValue, double.Epsilon, -0.0, 0.1, 1.0 / 3];
        using var floatTensor = Tensor.FromValues<float>(TensorDataType.Float, [floats.Length], floats);
        using var doubleTensor = Tensor.FromValues<double>(TensorDataType.Double, [doubles.Length], doubles);

        var json = Write(PredictRequestFormat.Columnar, ("f", floatTensor), ("d", doubleTensor));
        using var request = Read(json.Replace("\"outputs\"", "\"inputs\"", StringComparison.Ordinal), Signature(("f", TensorDataType.Float), ("d", TensorDataType.Double)));

        Assert.Equal(floatTensor.Bytes.ToArray(), request.Inputs["f"].Bytes.ToArray());
        Assert.Equal(doubleTensor.Bytes.ToArray(), request.Inputs["d"].Bytes.ToArray());
        Assert.Contains("NaN,Infinity,-Infinity", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Random_float_bit_patterns_survive()
    {
        var random = new Random(11);
        var bits = new byte[4 * 4096];
        random.NextBytes(bits);
        using var tensor = Tensor.FromValues<byte>(TensorDataType.Float, [64, 64], bits);

        var json = Write(PredictRequestFormat.Row, ("y", tensor));
        using var request = Read(json.Replace("predictions", "instances", StringComparison.Ordinal), Signature(("y", TensorDataType.Float)));

        var expected = tensor.AsSpan<float>().ToArray();
        var actual = Values<float>(request.Inputs["y"]);
        for (var i = 0; i < expected.Length; i++)
        {
            // NaN payloads are not kept (JSON has one NaN); everything else is bit-exact.
            if (float.IsNaN(expected[i]))
            {
                Assert.True(float.IsNaN(actual[i]));
            }
            else
            {
                Assert.Equal(BitConverter.SingleToInt32Bits(expected[i]), BitConverter.SingleToInt32Bits(actual[i]));
            }
        }
    }

    [Fact]
    public void Strings_and_bytes_survive_both_formats()
    {
        byte[][] values = ["plain"u8.ToArray(), "quote \" slash \\ newline \n tab \t"u8.ToArray(), "é€😀"u8.ToArray(), [0xFF, 0xFE, 0x00], [], [0x01, 0x1F]];
        using var tensor = Tensor.FromStrings([3, 2], values);

        foreach (var alias in new[] { "text", "text_bytes" })
        {
            foreach (var format in new[] { PredictRequestFormat.Row, PredictRequestFormat.Columnar })
            {
                var json = Write(format, (alias, tensor));
                var body = json.Replace("\"predictions\"", "\"instances\"", StringComparison.Ordinal).Replace("\"outputs\"", "\"inputs\"", StringComparison.Ordinal);
                using var request = PredictRequestReader.Read(Encoding.UTF8.GetBytes(body), _ => Signature((alias, TensorDataType.String)));

                var decoded = request.Inputs[alias];
                Assert.Equal([3, 2], decoded.Shape);
                Assert.Equal(values, decoded.Strings);
            }
        }
    }

    [Fact]
    public void Several_outputs_in_rows_read_back_as_named_instances()
    {
        using var ints = Ints([2, 2], 1, 2, 3, 4);
        using var text = Strings([2], "a", "b");
        var json = Write(PredictRequestFormat.Row, ("ints", ints), ("text", text));

        using var request = Read(json.Replace("predictions", "instances", StringComparison.Ordinal), Signature(("ints", TensorDataType.Int32), ("text", TensorDataType.String)));

        Assert.Equal([2, 2], request.Inputs["ints"].Shape);
        Assert.Equal([1, 2, 3, 4], Values<int>(request.Inputs["ints"]));
        Assert.Equal(["a", "b"], Texts(request.Inputs["text"]));
    }

    private static byte[] SampleBytes(TensorDataType type, int count)
    {
        var random = new Random((int)type);
        var bytes = new byte[count * TensorDataTypes.ElementSize(type)];
        random.NextBytes(bytes);
        if (type == TensorDataType.Bool)
        {
            for (var i = 0; i < bytes.Length; i++)
            {
                bytes[i] &= 1;
            }
        }
        else if (type == TensorDataType.Half)
        {
            // Keep halves finite: NaN payloads do not survive any JSON.
            for (var i = 1; i < bytes.Length; i += 2)
            {
                bytes[i] &= 0x7B;
            }
        }
        else if (type is TensorDataType.Float or TensorDataType.Double)
        {
            var exponentByte = TensorDataTypes.ElementSize(type) - 1;
            for (var i = exponentByte; i < bytes.Length; i += TensorDataTypes.ElementSize(type))
            {
                bytes[i] &= 0x7F;
            }
        }

        return bytes;
    }
}
