using Microsoft.ML.OnnxRuntime;

namespace NServe.Bench.Baseline;

/// <summary>One ORT session over a float model with one input and one output, created as NServe creates its sessions.</summary>
internal sealed class OrtModel : IDisposable
{
    private readonly InferenceSession _session;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;

    public OrtModel(string path)
    {
        using var options = new Microsoft.ML.OnnxRuntime.SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        _session = new InferenceSession(path, options);
        _inputNames = [_session.InputMetadata.Keys.First()];
        _outputNames = [_session.OutputMetadata.Keys.First()];
    }

    public string OutputName => _outputNames[0];

    /// <summary>Runs on <paramref name="input"/> of <paramref name="shape"/>; the caller disposes the outputs (ORT's memory).</summary>
    public IDisposableReadOnlyCollection<OrtValue> Run(Memory<float> input, long[] shape)
    {
        using var value = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, input, shape);
        using var runOptions = new RunOptions();
        return _session.Run(runOptions, _inputNames, [value], _outputNames);
    }

    public void Dispose() => _session.Dispose();
}
