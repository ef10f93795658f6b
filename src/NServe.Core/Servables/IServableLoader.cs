namespace NServe.Core.Servables;

/// <summary>
/// Loads one model version folder of one platform (TensorFlow Serving's Loader/SourceAdapter pair).
/// </summary>
public interface IServableLoader
{
    /// <summary><c>onnx</c> or <c>tensorflow</c>, as in <c>ModelConfig.model_platform</c>.</summary>
    string Platform { get; }

    /// <summary>True when <paramref name="versionPath"/> holds a model this loader reads.</summary>
    bool CanLoad(string versionPath);

    /// <summary>Loads the version; throws <see cref="Errors.ServingException"/> with a clear message on failure.</summary>
    Task<IServable> LoadAsync(ServableId id, string versionPath, CancellationToken cancellationToken);
}
