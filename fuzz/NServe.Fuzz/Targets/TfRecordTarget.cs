using System.Buffers.Binary;
using Google.Protobuf;
using NServe.Core.Errors;
using NServe.Core.Tensors;
using NServe.Core.Warmup;
using Tensorflow;
using Tensorflow.Serving;

namespace NServe.Fuzz.Targets;

/// <summary>
/// A warmup file as the server reads it: <see cref="TfRecordReader"/> over the input (DataLoss
/// <see cref="ServingException"/> for a short or corrupt record), each record parsed as a
/// <see cref="PredictionLog"/> (<see cref="InvalidProtocolBufferException"/>) and a predict log's input
/// tensors decoded by <see cref="TensorProtoConverter.ToTensor"/> (ServingException). Checksums stop most
/// mutations at the framing, so an input whose first byte is odd is framed here instead: the rest is records of
/// <c>[u16 LE length][bytes]</c>, written with valid checksums, which sends the mutations on to the parsers.
/// </summary>
internal sealed class TfRecordTarget : FuzzTarget
{
    public override string Name => "tfrecord";

    protected override void Execute(byte[] input)
    {
        var file = input.Length > 0 && (input[0] & 1) == 1 ? Frame(input.AsSpan(1)) : input;
        using var reader = new TfRecordReader(new MemoryStream(file, writable: false), "fuzz-input");
        while (reader.RecordsRead < WarmupFile.MaxRecords && reader.TryReadNext(out var record))
        {
            PredictionLog log;
            try
            {
                log = PredictionLog.Parser.ParseFrom(record);
            }
            catch (Exception e) when (e is InvalidProtocolBufferException or InvalidOperationException)
            {
                // What the warmup replayer treats as an unparsable record (Google.Protobuf throws both).
                continue;
            }

            if (log.LogTypeCase != PredictionLog.LogTypeOneofCase.PredictLog || log.PredictLog.Request is null)
            {
                continue;
            }

            foreach (var proto in log.PredictLog.Request.Inputs.Values)
            {
                try
                {
                    TensorProtoConverter.ToTensor(proto).Dispose();
                }
                catch (ServingException)
                {
                }
            }
        }
    }

    protected override bool IsDocumentedRejection(Exception e) => e is ServingException;

    private static byte[] Frame(ReadOnlySpan<byte> records)
    {
        using var stream = new MemoryStream();
        using (var writer = new TfRecordWriter(stream, leaveOpen: true))
        {
            while (records.Length >= 2)
            {
                var length = Math.Min(BinaryPrimitives.ReadUInt16LittleEndian(records), records.Length - 2);
                writer.Write(records.Slice(2, length));
                records = records[(2 + length)..];
            }
        }

        return stream.ToArray();
    }

    public override IEnumerable<KeyValuePair<string, byte[]>> Seeds(string? testData)
    {
        yield return KeyValuePair.Create("empty.tfrecord", Array.Empty<byte>());
        yield return KeyValuePair.Create("one-float.tfrecord", Records(Log(("x", Floats([1, 3], 1f, 2f, 5f)))));
        yield return KeyValuePair.Create("mixed.tfrecord", Records(
            Log(("x", Floats([2], 0.5f)), ("s", new TensorProto { Dtype = DataType.DtString, TensorShape = Shape(2), StringVal = { ByteString.CopyFromUtf8("a"), ByteString.CopyFromUtf8("bc") } })),
            Log(("i", new TensorProto { Dtype = DataType.DtInt64, TensorShape = Shape(2, 2), Int64Val = { 1, -2, 3 } }),
                ("h", new TensorProto { Dtype = DataType.DtHalf, TensorShape = Shape(3), HalfVal = { 0x3C00, 0x7BFF } })),
            Log(("c", new TensorProto { Dtype = DataType.DtFloat, TensorShape = Shape(2), TensorContent = ByteString.CopyFrom(0, 0, 128, 63, 0, 0, 0, 64) }),
                ("b", new TensorProto { Dtype = DataType.DtBool, TensorShape = Shape(3), BoolVal = { true, false } }),
                ("u", new TensorProto { Dtype = DataType.DtUint8, TensorShape = Shape(2), IntVal = { 255, 7 } }))));
        yield return KeyValuePair.Create("not-a-log.tfrecord", Records(new byte[] { 0x0A, 0x03, 0x61, 0x62, 0x63 }));

        // The same logs in the framed layout.
        byte[][] logs =
        [
            Log(("x", Floats([1, 3], 1f, 2f, 5f))),
            Log(("i", new TensorProto { Dtype = DataType.DtInt64, TensorShape = Shape(2, 2), Int64Val = { 1, -2, 3 } }),
                ("s", new TensorProto { Dtype = DataType.DtString, TensorShape = Shape(2), StringVal = { ByteString.CopyFromUtf8("a") } })),
            Log(("c", new TensorProto { Dtype = DataType.DtDouble, TensorShape = Shape(1), TensorContent = ByteString.CopyFrom(BitConverter.GetBytes(0.25)) }),
                ("h", new TensorProto { Dtype = DataType.DtHalf, TensorShape = Shape(3), HalfVal = { 0x3C00, 0x7BFF } })),
        ];
        yield return KeyValuePair.Create("framed.bin", (byte[])[1, .. logs.SelectMany(l => (byte[])[.. BitConverter.GetBytes((ushort)l.Length), .. l])]);
    }

    private static byte[] Records(params byte[][] records)
    {
        using var buffer = new MemoryStream();
        using (var writer = new TfRecordWriter(buffer, leaveOpen: true))
        {
            foreach (var record in records)
            {
                writer.Write(record);
            }
        }

        return buffer.ToArray();
    }

    private static byte[] Log(params (string Alias, TensorProto Tensor)[] inputs)
    {
        var request = new PredictRequest { ModelSpec = new ModelSpec { Name = "m", SignatureName = "serving_default" } };
        foreach (var (alias, tensor) in inputs)
        {
            request.Inputs[alias] = tensor;
        }

        return new PredictionLog { PredictLog = new PredictLog { Request = request } }.ToByteArray();
    }

    private static TensorProto Floats(long[] dims, params float[] values) =>
        new() { Dtype = DataType.DtFloat, TensorShape = Shape(dims), FloatVal = { values } };

    private static TensorShapeProto Shape(params long[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var dim in dims)
        {
            shape.Dim.Add(new TensorShapeProto.Types.Dim { Size = dim });
        }

        return shape;
    }
}
