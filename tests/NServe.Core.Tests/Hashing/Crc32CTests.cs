using System.Text;
using NServe.Core.Hashing;

namespace NServe.Core.Tests.Hashing;

public class Crc32CTests
{
    [Theory]
    [InlineData("", 0x00000000u)]
    [InlineData("a", 0xC1D04330u)]
    [InlineData("123456789", 0xE3069283u)]
    [InlineData("The quick brown fox jumps over the lazy dog", 0x22620404u)]
    public void KnownVectors(string text, uint expected)
    {
        Assert.Equal(expected, Crc32C.Compute(Encoding.ASCII.GetBytes(text)));
    }

    [Fact]
    public void Rfc3720Vectors()
    {
        // iSCSI (RFC 3720 B.4): 32 zero bytes, 32 0xFF bytes, 0..31 ascending.
        Assert.Equal(0x8A9136AAu, Crc32C.Compute(new byte[32]));
        Assert.Equal(0x62A8AB43u, Crc32C.Compute(Enumerable.Repeat((byte)0xFF, 32).ToArray()));
        Assert.Equal(0x46DD794Eu, Crc32C.Compute(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray()));
    }

    [Fact]
    public void ExtendEqualsComputeOfTheConcatenation()
    {
        var data = Enumerable.Range(0, 1000).Select(i => (byte)(i * 31 + 7)).ToArray();
        for (var split = 0; split <= data.Length; split += 37)
        {
            Assert.Equal(Crc32C.Compute(data), Crc32C.Extend(Crc32C.Compute(data.AsSpan(0, split)), data.AsSpan(split)));
        }
    }

    [Fact]
    public void TablePathAgreesWithHardwarePath()
    {
        var random = new Random(12345);
        for (var length = 0; length < 300; length++)
        {
            var data = new byte[length];
            random.NextBytes(data);
            Assert.Equal(Crc32C.Compute(data), ~Crc32C.UpdateWithTable(~0u, data));
        }
    }

    [Fact]
    public void MaskRoundTripsAndChangesTheValue()
    {
        var random = new Random(7);
        foreach (var crc in new uint[] { 0, 1, 0xFFFFFFFF, 0xE3069283 }.Concat(Enumerable.Range(0, 1000).Select(_ => (uint)random.NextInt64(0, 1L << 32))))
        {
            var masked = Crc32C.Mask(crc);
            Assert.NotEqual(crc, masked);
            Assert.Equal(crc, Crc32C.Unmask(masked));
        }
    }

    [Fact]
    public void MaskMatchesTensorFlowsStoredChecksumOfHalf()
    {
        // models.md: half_plus_two stores a = 0.5f with crc32c 522663942, the masked CRC of its 4 bytes.
        Assert.Equal(522663942u, Crc32C.Mask(Crc32C.Compute(BitConverter.GetBytes(0.5f))));
    }
}
