using System.Buffers.Binary;
using NServe.Core.Hashing;

namespace NServe.Core.Warmup;

/// <summary>
/// TensorFlow's TFRecord framing, shared by <see cref="TfRecordReader"/> and <see cref="TfRecordWriter"/>:
/// <c>uint64 length (little-endian) | uint32 masked CRC32C of those 8 bytes | data | uint32 masked CRC32C of data</c>.
/// </summary>
internal static class TfRecordFormat
{
    public const int LengthSize = sizeof(ulong);
    public const int CrcSize = sizeof(uint);
    public const int HeaderSize = LengthSize + CrcSize;
    public const int FooterSize = CrcSize;

    public static void WriteHeader(Span<byte> header, int length)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(header, (ulong)length);
        BinaryPrimitives.WriteUInt32LittleEndian(header[LengthSize..], MaskedCrc(header[..LengthSize]));
    }

    public static uint MaskedCrc(ReadOnlySpan<byte> data) => Crc32C.Mask(Crc32C.Compute(data));
}
