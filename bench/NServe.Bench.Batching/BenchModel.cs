using NServe.Core.Servables;
using NServe.Onnx;
using NServe.TensorFlow;

namespace NServe.Bench.Batching;

/// <summary>Opens what the benchmarks run: an <c>.onnx</c> file, or a SavedModel folder converted as the server does.</summary>
internal static class BenchModel
{
    public static IServable Open(string path, int intraOpThreads, bool allowSpinning)
    {
        var runtime = new OnnxRuntimeOptions { IntraOpThreads = intraOpThreads, AllowSpinning = allowSpinning };
        var id = new ServableId(Path.GetFileNameWithoutExtension(Path.TrimEndingDirectorySeparator(path)), 1);
        return Directory.Exists(path) ? new TensorFlowLoader(runtime).Load(id, path) : OnnxServable.Load(id, path, runtime);
    }
}
