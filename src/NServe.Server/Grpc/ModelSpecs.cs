using NServe.Core.Errors;
using NServe.Core.Management;
using Tensorflow.Serving;

namespace NServe.Server.Grpc;

/// <summary>Reads a request's ModelSpec into a <see cref="ServableRequest"/>, with TF Serving's errors.</summary>
public static class ModelSpecs
{
    public static ServableRequest ToRequest(ModelSpec? spec)
    {
        if (spec is null)
        {
            throw ServingException.InvalidArgument("Missing ModelSpec");
        }

        return spec.VersionChoiceCase switch
        {
            ModelSpec.VersionChoiceOneofCase.Version => new ServableRequest(spec.Name, spec.Version),
            ModelSpec.VersionChoiceOneofCase.VersionLabel => new ServableRequest(spec.Name, Label: spec.VersionLabel),
            _ => new ServableRequest(spec.Name),
        };
    }

    /// <summary>The model_spec a response carries: name, the version that ran, and the signature used.</summary>
    public static ModelSpec Resolved(NServe.Core.Servables.ServableId id, string signatureName) =>
        new() { Name = id.Name, Version = id.Version, SignatureName = signatureName };
}
