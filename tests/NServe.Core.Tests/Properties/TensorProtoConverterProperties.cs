using CsCheck;
using Google.Protobuf;
using NServe.Core.Tensors;
using Tensorflow;

namespace NServe.Core.Tests.Properties;

/// <summary>
/// Properties of <see cref="TensorProtoConverter"/>: Tensor → TensorProto (typed fields or tensor_content) →
/// wire bytes → TensorProto → Tensor gives back the same dtype, shape and bytes, for every dtype and any bit
/// pattern (NaN payloads included: protobuf keeps floats bit for bit); and a typed field shorter than the
/// element count repeats its last value, as TensorFlow's FromProto does.
/// </summary>
public class TensorProtoConverterProperties
{
    private static readonly TensorDataType[] NumericTypes =
    [
        TensorDataType.Float, TensorDataType.Double, TensorDataType.Half, TensorDataType.Int8, TensorDataType.UInt8,
        TensorDataType.Int16, TensorDataType.UInt16, TensorDataType.Int32, TensorDataType.UInt32, TensorDataType.Int64,
        TensorDataType.UInt64, TensorDataType.Bool,
    ];

    private static readonly Gen<long[]> Shapes = Gen.Long[0, 4].Array[0, 3];

    [Fact]
    public void Numeric_tensors_survive_the_proto_round_trip()
    {
        var gen =
            from type in Gen.OneOf(NumericTypes)
            from shape in Shapes
            from bytes in Gen.Byte.Array[(int)Tensor.ElementCountOf(shape) * TensorDataTypes.ElementSize(type)]
            from useTensorContent in Gen.Bool
            select (type, shape, type == TensorDataType.Bool ? bytes.Select(b => (byte)(b & 1)).ToArray() : bytes, useTensorContent);

        gen.Sample((type, shape, bytes, useTensorContent) =>
        {
            using var original = Tensor.FromValues<byte>(type, shape, bytes);
            using var decoded = TensorProtoConverter.ToTensor(ThroughTheWire(TensorProtoConverter.ToProto(original, useTensorContent)));

            Assert.Equal(type, decoded.DataType);
            Assert.Equal(shape, decoded.Shape);
            Assert.Equal(bytes, decoded.Bytes.ToArray());
        }, iter: 500, threads: 1);
    }

    [Fact]
    public void String_tensors_survive_the_proto_round_trip()
    {
        var gen =
            from shape in Shapes
            from strings in Gen.Byte.Array[0, 16].Array[(int)Tensor.ElementCountOf(shape)]
            from useTensorContent in Gen.Bool
            select (shape, strings, useTensorContent);

        gen.Sample((shape, strings, useTensorContent) =>
        {
            using var original = Tensor.FromStrings(shape, strings);
            using var decoded = TensorProtoConverter.ToTensor(ThroughTheWire(TensorProtoConverter.ToProto(original, useTensorContent)));

            Assert.Equal(TensorDataType.String, decoded.DataType);
            Assert.Equal(shape, decoded.Shape);
            Assert.Equal(strings, decoded.Strings);
        }, iter: 300, threads: 1);
    }

    [Fact]
    public void A_short_typed_field_repeats_its_last_value()
    {
        var gen =
            from count in Gen.Int[2, 12]
            from given in Gen.Int[1, count - 1]
            from values in Gen.Int.Array[given]
            select (count, values);

        gen.Sample((count, values) =>
        {
            var proto = new TensorProto { Dtype = DataType.DtInt32, TensorShape = new TensorShapeProto { Dim = { new TensorShapeProto.Types.Dim { Size = count } } } };
            proto.IntVal.Add(values);

            using var tensor = TensorProtoConverter.ToTensor(proto);

            int[] expected = [.. values, .. Enumerable.Repeat(values[^1], count - values.Length)];
            Assert.Equal(expected, tensor.AsSpan<int>().ToArray());
        }, iter: 200, threads: 1);
    }

    private static TensorProto ThroughTheWire(TensorProto proto) => TensorProto.Parser.ParseFrom(proto.ToByteArray());
}
