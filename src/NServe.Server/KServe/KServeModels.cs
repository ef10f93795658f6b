using NServe.Core.Errors;
using NServe.Core.Management;
using NServe.Core.Servables;

namespace NServe.Server.KServe;

/// <summary>
/// Resolves v2 model names and version strings to servables, and describes them for metadata, including the
/// ONNX Runtime execution provider the server runs every model on (one <c>--device</c> per process).
/// </summary>
public sealed class KServeModels(ServableManager manager, string executionProvider = "CPUExecutionProvider")
{
    /// <summary>The servable a request means (latest when the version is empty; see <see cref="KServeVersion"/>); NotFound / InvalidArgument otherwise.</summary>
    public ServableHandle GetHandle(string model, string? version)
    {
        var wanted = KServeVersion.Resolve(manager, model, version);
        try
        {
            return manager.GetHandle(new ServableRequest(model, wanted));
        }
        catch (ServingException e) when (e.Code == StatusCode.NotFound && !manager.ModelNames.Contains(model, StringComparer.Ordinal))
        {
            // Only on failure: the model list is built per call, too costly for every request.
            throw KServeErrors.UnknownModel(model);
        }
    }

    /// <summary>
    /// Metadata of the version a request means: every AVAILABLE version of the model (highest first), the
    /// platform, and the inputs and outputs of the default signature (none when there is no default).
    /// </summary>
    public KServeModelMetadata GetMetadata(string model, string? version)
    {
        using var handle = GetHandle(model, version);
        var servable = handle.Servable;
        var versions = manager.GetVersionStatuses(model)
            .Where(s => s.State == ServableState.Available)
            .Select(s => KServeVersion.Format(s.Version))
            .ToList();
        if (!KServeSignatures.TryDefault(servable, out var key))
        {
            return new KServeModelMetadata(model, versions, KServeSignatures.Platform(servable.Platform), [], [], executionProvider);
        }

        var signature = servable.Signatures[key];
        return new KServeModelMetadata(
            model,
            versions,
            KServeSignatures.Platform(servable.Platform),
            signature.Inputs.Select(p => Describe(p.Key, p.Value)).ToList(),
            signature.Outputs.Select(p => Describe(p.Key, p.Value)).ToList(),
            executionProvider);
    }

    private static KServeTensorMetadata Describe(string alias, TensorSpec spec) =>
        new(alias, KServeDataTypes.Name(spec.DataType), KServeSignatures.Shape(spec));
}
