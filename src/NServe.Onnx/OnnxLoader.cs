using NServe.Core.Errors;
using NServe.Core.Servables;

namespace NServe.Onnx;

/// <summary>Loads a version folder holding <c>model.onnx</c> (platform <c>onnx</c>).</summary>
public sealed class OnnxLoader(OnnxRuntimeOptions options) : IServableLoader
{
    public const string ModelFileName = "model.onnx";

    public string Platform => OnnxServable.OnnxPlatform;

    public bool CanLoad(string versionPath) => File.Exists(Path.Combine(versionPath, ModelFileName));

    public Task<IServable> LoadAsync(ServableId id, string versionPath, CancellationToken cancellationToken)
    {
        var modelPath = Path.Combine(versionPath, ModelFileName);
        if (!File.Exists(modelPath))
        {
            return Task.FromException<IServable>(
                ServingException.NotFound($"Could not find ONNX model {ModelFileName} in {versionPath}"));
        }

        // Session creation optimises the whole graph: keep it off the caller's (request or poll) thread.
        return Task.Run<IServable>(() => OnnxServable.Load(id, modelPath, options), cancellationToken);
    }
}
