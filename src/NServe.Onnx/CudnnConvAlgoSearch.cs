namespace NServe.Onnx;

/// <summary>How the CUDA provider picks cuDNN convolution algorithms (<c>--cudnn_conv_algo_search</c>).</summary>
public enum CudnnConvAlgoSearch
{
    /// <summary>Benchmarks every algorithm once per shape (ORT's default): slow first run, fastest after.</summary>
    Exhaustive,

    /// <summary>cuDNN's heuristics pick without benchmarking: fast first run.</summary>
    Heuristic,

    /// <summary>Always the default algorithm: predictable, usually slower.</summary>
    Default,
}
