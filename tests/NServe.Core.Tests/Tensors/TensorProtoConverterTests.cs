using Google.Protobuf;
using NServe.Core.Errors;
using NServe.Core.Tensors;
using Tensorflow;

namespace NServe.Core.Tests.Tensors;

public sealed class TensorProtoConverterTests
{
    public static TheoryData<TensorDataType, bool> EveryTypeAndEncoding()
    {
        var data = new TheoryData<TensorDataType, bool>();
        foreach (var type in Enum.GetValues<TensorDataType>().Where(t => t != TensorDataType.Invalid))
        {
            data.Add(type, false);
            data.Add(type, true);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(EveryTypeAndEncoding))]
    public void EveryTypeRoundTripsThroughTheWireInBothEncodings(TensorDataType type, bool useTensorContent)
    {
        using var original = SampleTensor(type, [2, 3]);

        var proto = TensorProtoConverter.ToProto(original, useTensorContent);
        var wire = TensorProto.Parser.ParseFrom(proto.ToByteArray());
        using var decoded = TensorProtoConverter.ToTensor(wire);

        Assert.Equal((DataType)(int)type, wire.Dtype);
        Assert.Equal([2L, 3L], wire.TensorShape.Dim.Select(d => d.Size));
        Assert.Equal(type, decoded.DataType);
        Assert.Equal(original.Shape, decoded.Shape);
        if (type == TensorDataType.String)
        {
            Assert.Equal(original.Strings, decoded.Strings);
            Assert.True(wire.TensorContent.IsEmpty);
            Assert.Equal(6, wire.StringVal.Count);
        }
        else
        {
            Assert.Equal(original.Bytes.ToArray(), decoded.Bytes.ToArray());
            Assert.Equal(useTensorContent, !wire.TensorContent.IsEmpty);
        }
    }

    [Theory]
    [MemberData(nameof(EveryTypeAndEncoding))]
    public void EncodingUsesOnlyTheFieldTensorFlowUsesForTheType(TensorDataType type, bool useTensorContent)
    {
        using var tensor = SampleTensor(type, [6]);

        var proto = TensorProtoConverter.ToProto(tensor, useTensorContent);

        var expected = type == TensorDataType.String ? "string_val"
            : useTensorContent ? "tensor_content"
            : type switch
            {
                TensorDataType.Float => "float_val",
                TensorDataType.Double => "double_val",
                TensorDataType.Int32 or TensorDataType.Int16 or TensorDataType.Int8 or TensorDataType.UInt8
                    or TensorDataType.UInt16 => "int_val",
                TensorDataType.Int64 => "int64_val",
                TensorDataType.UInt32 => "uint32_val",
                TensorDataType.UInt64 => "uint64_val",
                TensorDataType.Bool => "bool_val",
                TensorDataType.Half => "half_val",
                _ => throw new ArgumentOutOfRangeException(nameof(type)),
            };
        Assert.Equal([expected], ValueFieldsSet(proto));
    }

    [Fact]
    public void NarrowTypesAreWidenedIntoIntValKeepingTheirValues()
    {
        using var int8 = Tensor.FromValues<sbyte>(TensorDataType.Int8, [3], [-128, -1, 127]);
        using var uint8 = Tensor.FromValues<byte>(TensorDataType.UInt8, [2], [0, 255]);
        using var int16 = Tensor.FromValues<short>(TensorDataType.Int16, [2], [short.MinValue, short.MaxValue]);
        using var uint16 = Tensor.FromValues<ushort>(TensorDataType.UInt16, [2], [0, ushort.MaxValue]);

        Assert.Equal([-128, -1, 127], TensorProtoConverter.ToProto(int8).IntVal);
        Assert.Equal([0, 255], TensorProtoConverter.ToProto(uint8).IntVal);
        Assert.Equal([-32768, 32767], TensorProtoConverter.ToProto(int16).IntVal);
        Assert.Equal([0, 65535], TensorProtoConverter.ToProto(uint16).IntVal);
    }

    [Fact]
    public void HalfValCarriesTheHalfBitsZeroExtended()
    {
        using var tensor = Tensor.FromValues<Half>(TensorDataType.Half, [3], [(Half)1.5f, (Half)(-2f), Half.NaN]);

        var proto = TensorProtoConverter.ToProto(tensor);

        Assert.Equal(
            [0x3E00, 0xC000, BitConverter.HalfToUInt16Bits(Half.NaN)],
            proto.HalfVal);
        using var back = TensorProtoConverter.ToTensor(proto);
        Assert.Equal([(Half)1.5f, (Half)(-2f)], back.AsSpan<Half>()[..2].ToArray());
        Assert.True(Half.IsNaN(back.AsSpan<Half>()[2]));
    }

    [Fact]
    public void TensorContentIsTheLittleEndianElementBytes()
    {
        using var tensor = Tensor.FromValues<int>(TensorDataType.Int32, [2], [1, -2]);

        var proto = TensorProtoConverter.ToProto(tensor, useTensorContent: true);

        Assert.Equal(new byte[] { 1, 0, 0, 0, 0xFE, 0xFF, 0xFF, 0xFF }, proto.TensorContent.ToByteArray());
        Assert.Empty(proto.IntVal);
    }

    [Fact]
    public void ScalarHasAnEmptyShapeMessageOnTheWire()
    {
        using var scalar = Tensor.FromValues<float>(TensorDataType.Float, [], [2.5f]);

        var bytes = TensorProtoConverter.ToProto(scalar).ToByteArray();

        // dtype (1) = 1, tensor_shape (2) = {} (present, as TensorFlow's AsProtoField writes it), float_val (5).
        Assert.Equal(new byte[] { 0x08, 0x01, 0x12, 0x00, 0x2A, 0x04, 0x00, 0x00, 0x20, 0x40 }, bytes);
    }

    [Fact]
    public void AbsentShapeDecodesAsAScalar()
    {
        var proto = new TensorProto { Dtype = DataType.DtInt64, Int64Val = { 9 } };

        using var tensor = TensorProtoConverter.ToTensor(proto);

        Assert.Empty(tensor.Shape);
        Assert.Equal([9L], tensor.AsSpan<long>().ToArray());
    }

    [Fact]
    public void FewerTypedValuesThanElementsRepeatTheLastValue()
    {
        var proto = Proto(DataType.DtFloat, [2, 3]);
        proto.FloatVal.Add([1f, 2f]);

        using var tensor = TensorProtoConverter.ToTensor(proto);

        Assert.Equal([1f, 2f, 2f, 2f, 2f, 2f], tensor.AsSpan<float>().ToArray());
    }

    [Fact]
    public void OneValueFillsTheWholeShape()
    {
        var proto = Proto(DataType.DtInt8, [4]);
        proto.IntVal.Add(-7);

        using var tensor = TensorProtoConverter.ToTensor(proto);

        Assert.Equal(new sbyte[] { -7, -7, -7, -7 }, tensor.AsSpan<sbyte>().ToArray());
    }

    [Theory]
    [InlineData(DataType.DtFloat)]
    [InlineData(DataType.DtDouble)]
    [InlineData(DataType.DtInt32)]
    [InlineData(DataType.DtUint8)]
    [InlineData(DataType.DtInt16)]
    [InlineData(DataType.DtInt8)]
    [InlineData(DataType.DtInt64)]
    [InlineData(DataType.DtBool)]
    [InlineData(DataType.DtUint16)]
    [InlineData(DataType.DtHalf)]
    [InlineData(DataType.DtUint32)]
    [InlineData(DataType.DtUint64)]
    public void NoValuesGiveZeros(DataType dtype)
    {
        using var tensor = TensorProtoConverter.ToTensor(Proto(dtype, [3, 2]));

        Assert.Equal([3L, 2L], tensor.Shape);
        Assert.All(tensor.Bytes.ToArray(), b => Assert.Equal(0, b));
    }

    [Fact]
    public void NoStringValuesGiveEmptyStrings()
    {
        using var tensor = TensorProtoConverter.ToTensor(Proto(DataType.DtString, [2]));

        Assert.All(tensor.Strings, s => Assert.Empty(s));
    }

    [Fact]
    public void FewerStringsThanElementsRepeatTheLastString()
    {
        var proto = Proto(DataType.DtString, [3]);
        proto.StringVal.Add([ByteString.CopyFromUtf8("a"), ByteString.CopyFromUtf8("bc")]);

        using var tensor = TensorProtoConverter.ToTensor(proto);

        Assert.Equal(["a", "bc", "bc"], tensor.Strings.Select(s => System.Text.Encoding.UTF8.GetString(s)));
    }

    [Fact]
    public void MoreTypedValuesThanElementsAreIgnoredAsInTensorFlow()
    {
        var proto = Proto(DataType.DtInt32, [2]);
        proto.IntVal.Add([5, 6, 7, 8]);

        using var tensor = TensorProtoConverter.ToTensor(proto);

        Assert.Equal([5, 6], tensor.AsSpan<int>().ToArray());
    }

    [Fact]
    public void IntValIsTruncatedToNarrowTypesWithAPlainCast()
    {
        var uint8 = Proto(DataType.DtUint8, [2]);
        uint8.IntVal.Add([300, -1]);
        var int16 = Proto(DataType.DtInt16, [1]);
        int16.IntVal.Add(70000);

        using var bytes = TensorProtoConverter.ToTensor(uint8);
        using var shorts = TensorProtoConverter.ToTensor(int16);

        Assert.Equal(new byte[] { 44, 255 }, bytes.AsSpan<byte>().ToArray());
        Assert.Equal([(short)4464], shorts.AsSpan<short>().ToArray());
    }

    [Fact]
    public void BoolValBecomesOneByteZeroOrOne()
    {
        var proto = Proto(DataType.DtBool, [3]);
        proto.BoolVal.Add([true, false, true]);

        using var tensor = TensorProtoConverter.ToTensor(proto);

        Assert.Equal(new byte[] { 1, 0, 1 }, tensor.Bytes.ToArray());
    }

    [Fact]
    public void TensorContentTakesPrecedenceOverTypedFields()
    {
        var proto = Proto(DataType.DtFloat, [1]);
        proto.TensorContent = ByteString.CopyFrom(BitConverter.GetBytes(4f));
        proto.FloatVal.Add(9f);

        using var tensor = TensorProtoConverter.ToTensor(proto);

        Assert.Equal([4f], tensor.AsSpan<float>().ToArray());
    }

    [Fact]
    public void TensorContentOfTheWrongSizeIsInvalid()
    {
        var proto = Proto(DataType.DtFloat, [2, 3]);
        proto.TensorContent = ByteString.CopyFrom(new byte[20]);

        var error = Assert.Throws<ServingException>(() => TensorProtoConverter.ToTensor(proto));

        Assert.Equal(StatusCode.InvalidArgument, error.Code);
        Assert.Contains("20 bytes", error.Message);
        Assert.Contains("24", error.Message);
    }

    [Fact]
    public void StringTensorContentUsesTensorFlowsLengthPrefixedList()
    {
        // Lengths as varint32 first (1, 0, 200), then the bytes.
        var long200 = Enumerable.Repeat((byte)'z', 200).ToArray();
        var proto = Proto(DataType.DtString, [3]);
        proto.TensorContent = ByteString.CopyFrom([0x01, 0x00, 0xC8, 0x01, (byte)'a', .. long200]);

        using var tensor = TensorProtoConverter.ToTensor(proto);

        Assert.Equal([[(byte)'a'], [], long200], tensor.Strings);
    }

    [Theory]
    [InlineData(new byte[] { 0x02, (byte)'a' })] // declares 2 bytes, holds 1
    [InlineData(new byte[] { 0x01, (byte)'a', (byte)'b' })] // a byte left over
    [InlineData(new byte[] { 0x80 })] // truncated varint
    public void MalformedStringTensorContentIsInvalid(byte[] content)
    {
        var proto = Proto(DataType.DtString, [1]);
        proto.TensorContent = ByteString.CopyFrom(content);

        var error = Assert.Throws<ServingException>(() => TensorProtoConverter.ToTensor(proto));

        Assert.Equal(StatusCode.InvalidArgument, error.Code);
    }

    [Fact]
    public void ZeroElementTensorsNeedNoValues()
    {
        using var tensor = TensorProtoConverter.ToTensor(Proto(DataType.DtFloat, [0, 4]));

        Assert.Equal([0L, 4L], tensor.Shape);
        Assert.Equal(0, tensor.Bytes.Length);
        Assert.Empty(TensorProtoConverter.ToProto(tensor).FloatVal);
    }

    [Fact]
    public void UnknownRankIsInvalid()
    {
        var proto = new TensorProto { Dtype = DataType.DtFloat, TensorShape = new TensorShapeProto { UnknownRank = true } };

        var error = Assert.Throws<ServingException>(() => TensorProtoConverter.ToTensor(proto));

        Assert.Equal(StatusCode.InvalidArgument, error.Code);
        Assert.Contains("unknown rank", error.Message);
    }

    [Fact]
    public void NegativeDimensionIsInvalid()
    {
        var error = Assert.Throws<ServingException>(() => TensorProtoConverter.ToTensor(Proto(DataType.DtFloat, [2, -1])));

        Assert.Equal(StatusCode.InvalidArgument, error.Code);
        Assert.Contains("-1", error.Message);
    }

    [Fact]
    public void ElementCountOverflowIsInvalid()
    {
        var error = Assert.Throws<ServingException>(
            () => TensorProtoConverter.ToTensor(Proto(DataType.DtFloat, [long.MaxValue / 2, 3])));

        Assert.Equal(StatusCode.InvalidArgument, error.Code);
    }

    [Theory]
    [InlineData(DataType.DtComplex64, "DT_COMPLEX64")]
    [InlineData(DataType.DtBfloat16, "DT_BFLOAT16")]
    [InlineData(DataType.DtQint8, "DT_QINT8")]
    [InlineData(DataType.DtResource, "DT_RESOURCE")]
    [InlineData(DataType.DtFloatRef, "DT_FLOAT_REF")]
    [InlineData(DataType.DtInvalid, "DT_INVALID")]
    public void UnsupportedTypesAreInvalidAndNamed(DataType dtype, string name)
    {
        var error = Assert.Throws<ServingException>(() => TensorProtoConverter.ToTensor(Proto(dtype, [1])));

        Assert.Equal(StatusCode.InvalidArgument, error.Code);
        Assert.Contains(name, error.Message);
    }

    private static TensorProto Proto(DataType dtype, long[] dims) =>
        new() { Dtype = dtype, TensorShape = TensorProtoShape.ToProto(dims) };

    private static IEnumerable<string> ValueFieldsSet(TensorProto proto)
    {
        if (!proto.TensorContent.IsEmpty)
        {
            yield return "tensor_content";
        }

        (string Name, int Count)[] fields =
        [
            ("half_val", proto.HalfVal.Count), ("float_val", proto.FloatVal.Count), ("double_val", proto.DoubleVal.Count),
            ("int_val", proto.IntVal.Count), ("string_val", proto.StringVal.Count), ("scomplex_val", proto.ScomplexVal.Count),
            ("int64_val", proto.Int64Val.Count), ("bool_val", proto.BoolVal.Count), ("dcomplex_val", proto.DcomplexVal.Count),
            ("uint32_val", proto.Uint32Val.Count), ("uint64_val", proto.Uint64Val.Count),
        ];
        foreach (var (name, count) in fields.Where(f => f.Count > 0))
        {
            yield return name;
        }
    }

    // Values that exercise sign, range ends and (for floats) non-integers, distinct per element.
    private static Tensor SampleTensor(TensorDataType type, long[] shape)
    {
        var n = (int)Tensor.ElementCountOf(shape);
        return type switch
        {
            TensorDataType.Float => Tensor.FromValues(type, shape, Values(n, i => i == 0 ? float.MinValue : -1.25f * i).AsSpan()),
            TensorDataType.Double => Tensor.FromValues(type, shape, Values(n, i => i == 0 ? double.MaxValue : 3.5e-10 * i).AsSpan()),
            TensorDataType.Int32 => Tensor.FromValues(type, shape, Values(n, i => i == 0 ? int.MinValue : i * 1000).AsSpan()),
            TensorDataType.UInt8 => Tensor.FromValues(type, shape, Values(n, i => (byte)(255 - i)).AsSpan()),
            TensorDataType.Int16 => Tensor.FromValues(type, shape, Values(n, i => i == 0 ? short.MinValue : (short)(-i)).AsSpan()),
            TensorDataType.Int8 => Tensor.FromValues(type, shape, Values(n, i => i == 0 ? sbyte.MinValue : (sbyte)(i - 3)).AsSpan()),
            TensorDataType.Int64 => Tensor.FromValues(type, shape, Values(n, i => i == 0 ? long.MinValue : -(1L << 40) * i).AsSpan()),
            TensorDataType.Bool => Tensor.FromValues(type, shape, Values(n, i => (byte)(i % 2)).AsSpan()),
            TensorDataType.UInt16 => Tensor.FromValues(type, shape, Values(n, i => (ushort)(ushort.MaxValue - i)).AsSpan()),
            TensorDataType.Half => Tensor.FromValues(type, shape, Values(n, i => (Half)(-0.5f * i)).AsSpan()),
            TensorDataType.UInt32 => Tensor.FromValues(type, shape, Values(n, i => uint.MaxValue - (uint)i).AsSpan()),
            TensorDataType.UInt64 => Tensor.FromValues(type, shape, Values(n, i => ulong.MaxValue - (ulong)i).AsSpan()),
            TensorDataType.String => Tensor.FromStrings(shape, Values(n, i => Enumerable.Repeat((byte)(i * 40), i).ToArray())),
            _ => throw new ArgumentOutOfRangeException(nameof(type)),
        };
    }

    private static T[] Values<T>(int count, Func<int, T> value) => Enumerable.Range(0, count).Select(value).ToArray();
}
