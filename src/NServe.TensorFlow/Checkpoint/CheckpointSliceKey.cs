using System.Text;

namespace NServe.TensorFlow.Checkpoint;

/// <summary>
/// The key under which a checkpoint stores one slice of a partitioned variable: TensorFlow's
/// <c>checkpoint::EncodeTensorNameSlice</c>, an OrderedCode sequence of the number 0, the variable name, the
/// rank, then start and length of each dimension (length −1 for a whole dimension). The leading 0 byte keeps
/// slice keys apart from variable names.
/// </summary>
internal static class CheckpointSliceKey
{
    /// <summary>Length of a dimension that a slice takes whole.</summary>
    public const long FullExtent = -1;

    public static byte[] Encode(string name, ReadOnlySpan<long> starts, ReadOnlySpan<long> lengths)
    {
        var output = new List<byte>(name.Length + 8 + (starts.Length * 4));
        WriteNumIncreasing(output, 0);
        WriteString(output, Encoding.UTF8.GetBytes(name));
        WriteNumIncreasing(output, (ulong)starts.Length);
        for (var d = 0; d < starts.Length; d++)
        {
            WriteSignedNumIncreasing(output, starts[d]);
            WriteSignedNumIncreasing(output, lengths[d]);
        }

        return [.. output];
    }

    /// <summary>A length byte, then the value big-endian with leading zero bytes dropped.</summary>
    internal static void WriteNumIncreasing(List<byte> output, ulong value)
    {
        var length = 0;
        for (var v = value; v > 0; v >>= 8)
        {
            length++;
        }

        output.Add((byte)length);
        for (var i = length - 1; i >= 0; i--)
        {
            output.Add((byte)(value >> (8 * i)));
        }
    }

    /// <summary>The bytes with 0x00 escaped as 00 FF and 0xFF as FF 00, then the separator 00 01.</summary>
    internal static void WriteString(List<byte> output, ReadOnlySpan<byte> value)
    {
        foreach (var b in value)
        {
            output.Add(b);
            if (b == 0x00)
            {
                output.Add(0xFF);
            }
            else if (b == 0xFF)
            {
                output.Add(0x00);
            }
        }

        output.Add(0x00);
        output.Add(0x01);
    }

    /// <summary>
    /// OrderedCode's signed form: the value big-endian in n bytes, sign-extended, with the top bits replaced by
    /// a header of n ones (for a non-negative value; zeros for a negative one) and a delimiter bit, so that
    /// encodings sort as the numbers do. n bytes hold values in [−2^(7n−1), 2^(7n−1)).
    /// </summary>
    internal static void WriteSignedNumIncreasing(List<byte> output, long value)
    {
        var magnitude = (ulong)(value < 0 ? ~value : value);
        var significantBits = 64 - ulong.LeadingZeroCount(magnitude);
        var length = (int)(significantBits / 7) + 1;

        Span<byte> buffer = stackalloc byte[10];
        buffer[0] = buffer[1] = value < 0 ? (byte)0xFF : (byte)0x00;
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(buffer[2..], value);
        var encoded = buffer[(10 - length)..];

        // Header bits: `length` ones then a zero, spilling into the second byte for lengths 9 and 10.
        var header = length <= 8 ? (ushort)(0xFF00 << (8 - length)) : (ushort)(0xFF00 | (0xFF00 >> (length - 8)));
        encoded[0] ^= (byte)(header >> 8);
        if (length > 1)
        {
            encoded[1] ^= (byte)header;
        }

        output.AddRange(encoded);
    }
}
