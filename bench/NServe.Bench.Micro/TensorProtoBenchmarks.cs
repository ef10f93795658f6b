using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Google.Protobuf;
using NServe.Core.Tensors;
using Tensorflow;

namespace NServe.Bench.Micro;

/// <summary>
/// The gRPC tensor path on 1,000,000 floats: TensorProto (as parsed from the wire) to a Tensor and back,
/// in both encodings, against a plain copy of the same bytes.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class TensorProtoBenchmarks
{
    private TensorProto _floatVal = new();
    private TensorProto _tensorContent = new();
    private Tensor? _tensor;
    private byte[] _copy = [];

    [GlobalSetup]
    public void Setup()
    {
        var values = MillionFloats.Values();
        _tensor = Tensor.FromValues<float>(TensorDataType.Float, [MillionFloats.Count], values);
        // Parse from bytes, as the server receives them.
        _floatVal = TensorProto.Parser.ParseFrom(TensorProtoConverter.ToProto(_tensor, useTensorContent: false).ToByteArray());
        _tensorContent = TensorProto.Parser.ParseFrom(TensorProtoConverter.ToProto(_tensor, useTensorContent: true).ToByteArray());
        _copy = new byte[MillionFloats.Count * sizeof(float)];
    }

    [GlobalCleanup]
    public void Cleanup() => _tensor?.Dispose();

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("to tensor")]
    public int Copy_bytes()
    {
        _tensorContent.TensorContent.Span.CopyTo(_copy);
        return _copy.Length;
    }

    [Benchmark]
    [BenchmarkCategory("to tensor")]
    public long ToTensor_tensor_content()
    {
        using var tensor = TensorProtoConverter.ToTensor(_tensorContent);
        return tensor.ElementCount;
    }

    [Benchmark]
    [BenchmarkCategory("to tensor")]
    public long ToTensor_float_val()
    {
        using var tensor = TensorProtoConverter.ToTensor(_floatVal);
        return tensor.ElementCount;
    }

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("to proto")]
    public int Copy_bytes_out()
    {
        _tensor!.Bytes.Span.CopyTo(_copy);
        return _copy.Length;
    }

    [Benchmark]
    [BenchmarkCategory("to proto")]
    public int ToProto_tensor_content() => TensorProtoConverter.ToProto(_tensor!, useTensorContent: true).CalculateSize();

    [Benchmark]
    [BenchmarkCategory("to proto")]
    public int ToProto_float_val() => TensorProtoConverter.ToProto(_tensor!, useTensorContent: false).CalculateSize();

    [Benchmark]
    [BenchmarkCategory("wire")]
    public int Serialize_float_val_response() => TensorProtoConverter.ToProto(_tensor!, useTensorContent: false).ToByteArray().Length;

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("wire")]
    public int Serialize_tensor_content_response() => TensorProtoConverter.ToProto(_tensor!, useTensorContent: true).ToByteArray().Length;
}
