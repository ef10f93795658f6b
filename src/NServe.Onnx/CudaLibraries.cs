using System.Runtime.InteropServices;

namespace NServe.Onnx;

/// <summary>
/// The shared libraries ORT 1.31's CUDA provider needs besides the driver: its ELF dependencies
/// (readelf -d libonnxruntime_providers_cuda.so) and cuDNN 9, which it opens when a model has convolutions.
/// Checking them one by one names every missing library at once, where the loader stops at the first.
/// </summary>
public static class CudaLibraries
{
    public static IReadOnlyList<string> Required { get; } =
    [
        "libcudart.so.13",
        "libcublas.so.13",
        "libcublasLt.so.13",
        "libcurand.so.10",
        "libcudnn.so.9",
    ];

    /// <summary>The names among <paramref name="libraries"/> the dynamic loader cannot open, in order.</summary>
    public static IReadOnlyList<string> Missing(IEnumerable<string> libraries)
    {
        var missing = new List<string>();
        foreach (var library in libraries)
        {
            if (NativeLibrary.TryLoad(library, out var handle))
            {
                NativeLibrary.Free(handle);
            }
            else
            {
                missing.Add(library);
            }
        }

        return missing;
    }
}
