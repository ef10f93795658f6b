using CsCheck;
using NServe.Core.Errors;
using NServe.Core.Warmup;

namespace NServe.Core.Tests.Properties;

/// <summary>
/// Properties of the TFRecord framing: what <see cref="TfRecordWriter"/> writes, <see cref="TfRecordReader"/>
/// reads back record for record; any flipped bit is DataLoss (every byte is under a checksum); a cut file is
/// DataLoss unless the cut falls between records, where it reads as the records before it.
/// </summary>
public class TfRecordProperties
{
    private static readonly Gen<byte[][]> Records = Gen.Byte.Array[0, 300].Array[0, 6];

    [Fact]
    public void Written_records_read_back_unchanged()
    {
        Records.Sample(records => Assert.Equal(records, ReadAll(Write(records))), iter: 300, threads: 1);
    }

    [Fact]
    public void Any_flipped_bit_is_data_loss()
    {
        var gen =
            from records in Gen.Byte.Array[0, 100].Array[1, 4]
            let file = Write(records)
            from position in Gen.Int[0, file.Length - 1]
            from bit in Gen.Int[0, 7]
            select (file, position, bit);

        gen.Sample((file, position, bit) =>
        {
            var corrupted = (byte[])file.Clone();
            corrupted[position] ^= (byte)(1 << bit);

            var error = Assert.Throws<ServingException>(() => ReadAll(corrupted));
            Assert.Equal(StatusCode.DataLoss, error.Code);
        }, iter: 400, threads: 1);
    }

    [Fact]
    public void A_cut_file_is_data_loss_unless_cut_between_records()
    {
        var gen =
            from records in Gen.Byte.Array[0, 100].Array[1, 4]
            let file = Write(records)
            from length in Gen.Int[0, file.Length - 1]
            select (records, file, length);

        gen.Sample((records, file, length) =>
        {
            var boundaries = new List<int> { 0 };
            foreach (var record in records)
            {
                boundaries.Add(boundaries[^1] + TfRecordFormat.HeaderSize + record.Length + TfRecordFormat.FooterSize);
            }

            var whole = boundaries.IndexOf(length);
            if (whole >= 0)
            {
                Assert.Equal(records.Take(whole), ReadAll(file[..length]));
            }
            else
            {
                Assert.Equal(StatusCode.DataLoss, Assert.Throws<ServingException>(() => ReadAll(file[..length])).Code);
            }
        }, iter: 400, threads: 1);
    }

    private static byte[] Write(byte[][] records)
    {
        using var stream = new MemoryStream();
        using (var writer = new TfRecordWriter(stream, leaveOpen: true))
        {
            foreach (var record in records)
            {
                writer.Write(record);
            }
        }

        return stream.ToArray();
    }

    private static List<byte[]> ReadAll(byte[] file)
    {
        using var reader = new TfRecordReader(new MemoryStream(file), "property");
        var records = new List<byte[]>();
        while (reader.TryReadNext(out var record))
        {
            records.Add(record);
        }

        return records;
    }
}
