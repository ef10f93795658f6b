using NServe.Core.Servables;
using NServe.Core.Tensors;
using NServe.TensorFlow.Conversion;
using NServe.TensorFlow.Graph;
using NServe.TensorFlow.Tests.Conversion;

namespace NServe.TensorFlow.Tests.State;

/// <summary>
/// A prepared graph converted to ONNX and run on ORT by alias, as the loader's runner does (feeds and fetches
/// named by their tensors), for tests of the host stages around it.
/// </summary>
internal sealed class ConvertedGraphServable(PreparedGraph graph) : IServable
{
    private readonly global::Onnx.ModelProto _model = GraphConverter.Convert(graph);

    public int Runs { get; private set; }

    public ServableId Id { get; } = new("converted", 1);

    public string Platform => "test";

    public IReadOnlyDictionary<string, Signature> Signatures { get; } = new Dictionary<string, Signature>();

    public ValueTask<IReadOnlyDictionary<string, Tensor>> RunAsync(
        string signatureKey, IReadOnlyDictionary<string, Tensor> inputs, IReadOnlyCollection<string>? outputFilter, CancellationToken cancellationToken)
    {
        Runs++;
        var feeds = graph.Feeds.ToDictionary(f => f.TensorName, f => ToTest(inputs[f.Alias]), StringComparer.Ordinal);
        var fetches = graph.Fetches.Where(f => outputFilter is null || outputFilter.Contains(f.Alias)).ToList();
        var results = OnnxTestRunner.Run(_model, feeds, fetches.Select(f => f.TensorName).Distinct().ToList());
        IReadOnlyDictionary<string, Tensor> outputs = fetches.ToDictionary(f => f.Alias, f => FromTest(results[f.TensorName]), StringComparer.Ordinal);
        return ValueTask.FromResult(outputs);
    }

    public void Dispose()
    {
    }

    private static TestTensor ToTest(Tensor tensor) => tensor.DataType switch
    {
        TensorDataType.Float => TestTensor.Float(tensor.Shape, tensor.AsSpan<float>().ToArray()),
        TensorDataType.Int64 => TestTensor.Int64(tensor.Shape, tensor.AsSpan<long>().ToArray()),
        TensorDataType.Int32 => TestTensor.Int32(tensor.Shape, tensor.AsSpan<int>().ToArray()),
        _ => throw new NotSupportedException(tensor.DataType.ToString()),
    };

    private static Tensor FromTest(TestTensor tensor) => tensor.Type switch
    {
        TensorDataType.Float => Tensor.FromValues(TensorDataType.Float, tensor.Shape, tensor.Numbers.Select(v => (float)v).ToArray().AsSpan()),
        TensorDataType.Int64 => Tensor.FromValues(TensorDataType.Int64, tensor.Shape, tensor.Numbers.Select(v => (long)v).ToArray().AsSpan()),
        TensorDataType.Int32 => Tensor.FromValues(TensorDataType.Int32, tensor.Shape, tensor.Numbers.Select(v => (int)v).ToArray().AsSpan()),
        _ => throw new NotSupportedException(tensor.Type.ToString()),
    };
}
