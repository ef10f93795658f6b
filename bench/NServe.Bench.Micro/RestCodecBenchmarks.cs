using System.Buffers;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using NServe.Core.Servables;
using NServe.Core.Tensors;
using NServe.Server.Rest.Json;

namespace NServe.Bench.Micro;

/// <summary>
/// The REST codec on a 1,000,000-float request: NServe's PredictRequestReader / PredictResponseWriter
/// against the least System.Text.Json can do (Utf8JsonReader.GetSingle into an array; Utf8JsonWriter
/// WriteNumberValue from one). Each category's baseline is the bare reader or writer.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class RestCodecBenchmarks
{
    private static readonly JsonWriterOptions WriterOptions = new() { SkipValidation = true };

    private readonly Signature _signature = new(
        Signature.PredictMethod,
        [new("x", new TensorSpec("x:0", TensorDataType.Float, [-1]))],
        [new("y", new TensorSpec("y:0", TensorDataType.Float, [-1]))]);

    private byte[] _body = [];
    private float[] _values = [];
    private float[] _decoded = [];
    private Tensor? _output;
    private ArrayBufferWriter<byte> _writer = new();

    [GlobalSetup]
    public void Setup()
    {
        _values = MillionFloats.Values();
        _body = MillionFloats.RowFormatBody(_values);
        _decoded = new float[MillionFloats.Count];
        _output = Tensor.FromValues<float>(TensorDataType.Float, [MillionFloats.Count], _values);
        _writer = new ArrayBufferWriter<byte>(_body.Length * 2);
    }

    [GlobalCleanup]
    public void Cleanup() => _output?.Dispose();

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("decode")]
    public int Utf8JsonReader_decode()
    {
        var reader = new Utf8JsonReader(_body);
        var count = 0;
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.Number)
            {
                _decoded[count++] = reader.GetSingle();
            }
        }

        return count;
    }

    [Benchmark]
    [BenchmarkCategory("decode")]
    public long NServe_decode()
    {
        using var request = PredictRequestReader.Read(_body, _ => _signature);
        return request.Inputs["x"].ElementCount;
    }

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("encode")]
    public int Utf8JsonWriter_encode()
    {
        _writer.ResetWrittenCount();
        using var json = new Utf8JsonWriter(_writer, WriterOptions);
        json.WriteStartObject();
        json.WritePropertyName("predictions"u8);
        json.WriteStartArray();
        foreach (var value in _values)
        {
            json.WriteNumberValue(value);
        }

        json.WriteEndArray();
        json.WriteEndObject();
        json.Flush();
        return _writer.WrittenCount;
    }

    [Benchmark]
    [BenchmarkCategory("encode")]
    public int NServe_encode()
    {
        _writer.ResetWrittenCount();
        PredictResponseWriter.Write(_writer, PredictRequestFormat.Row, [new("y", _output!)]);
        return _writer.WrittenCount;
    }
}
