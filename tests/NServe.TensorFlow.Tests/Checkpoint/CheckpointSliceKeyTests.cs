using NServe.TensorFlow.Checkpoint;

namespace NServe.TensorFlow.Tests.Checkpoint;

public class CheckpointSliceKeyTests
{
    // Expected bytes from TensorFlow's ordered_code_test.cc (EncodingIsExpected, Signed).
    [Theory]
    [InlineData(0L, "80")]
    [InlineData(1L, "81")]
    [InlineData(63L, "BF")]
    [InlineData(64L, "C040")]
    [InlineData(255L, "C0FF")]
    [InlineData(256L, "C100")]
    [InlineData(65536L, "E10000")]
    [InlineData(1048576L, "F0100000")]
    [InlineData(134217728L, "F808000000")]
    [InlineData(4294967296L, "F900000000")]
    [InlineData(281474976710656L, "FF01000000000000")]
    [InlineData(36028797018963968L, "FF8080000000000000")]
    [InlineData(4611686018427387904L, "FFC04000000000000000")]
    [InlineData(long.MaxValue, "FFC07FFFFFFFFFFFFFFF")]
    [InlineData(-1L, "7F")]
    [InlineData(-64L, "40")]
    [InlineData(-65L, "3FBF")]
    [InlineData(-8193L, "1FDFFF")]
    [InlineData(-2199023255553L, "01FDFFFFFFFFFF")]
    [InlineData(-9223372036854775807L, "003F8000000000000001")]
    public void SignedNumbersEncodeAsTensorFlowsOrderedCode(long value, string hex)
    {
        var output = new List<byte>();
        CheckpointSliceKey.WriteSignedNumIncreasing(output, value);
        Assert.Equal(hex, Convert.ToHexString([.. output]));
    }

    [Theory]
    [InlineData(0UL, "00")]
    [InlineData(1UL, "0101")]
    [InlineData(256UL, "020100")]
    [InlineData(0x8000000000000001UL, "088000000000000001")]
    public void UnsignedNumbersEncodeAsTensorFlowsOrderedCode(ulong value, string hex)
    {
        var output = new List<byte>();
        CheckpointSliceKey.WriteNumIncreasing(output, value);
        Assert.Equal(hex, Convert.ToHexString([.. output]));
    }

    [Fact]
    public void StringsEscapeZeroAndFfBytesAndEndWithTheSeparator()
    {
        var output = new List<byte>();
        CheckpointSliceKey.WriteString(output, [0x61, 0x00, 0xFF, 0x62]);
        Assert.Equal("6100FFFF00620001", Convert.ToHexString([.. output]));
    }

    [Fact]
    public void SliceKeyIsZeroNameRankThenStartAndLengthPerDimension()
    {
        // "-:1,3" of "foo": a whole first dimension (0, -1), then start 1 length 3.
        var key = CheckpointSliceKey.Encode("foo", [0, 1], [-1, 3]);
        Assert.Equal("00" + "666F6F0001" + "0102" + "807F" + "8183", Convert.ToHexString(key));
    }
}
