using NServe.Core.Errors;
using NServe.Core.Management;
using Tensorflow.Serving;

namespace NServe.Server.Serving;

/// <summary>Answers GetModelStatus (gRPC and REST) from the manager's version table, as TF Serving words it.</summary>
public sealed class ModelStatusReader(ServableManager manager)
{
    public GetModelStatusResponse Read(string name, long? version)
    {
        if (string.IsNullOrEmpty(name))
        {
            throw ServingException.InvalidArgument("ModelSpec has no name specified.");
        }

        var statuses = manager.GetVersionStatuses(name);
        if (version is { } wanted)
        {
            statuses = statuses.Where(s => s.Version == wanted).ToList();
            if (statuses.Count == 0)
            {
                throw ServingException.NotFound($"Could not find version {wanted} of model {name}");
            }
        }
        else if (statuses.Count == 0)
        {
            throw ServingException.NotFound($"Could not find any versions of model {name}");
        }

        var response = new GetModelStatusResponse();
        response.ModelVersionStatus.AddRange(statuses.Select(ToProto));
        return response;
    }

    public static ModelVersionStatus ToProto(VersionStatus status) => new()
    {
        Version = status.Version,
        State = (ModelVersionStatus.Types.State)(int)status.State,
        Status = new StatusProto
        {
            ErrorCode = (Tensorflow.Error.Code)(int)status.ErrorCode,
            ErrorMessage = status.ErrorMessage,
        },
    };
}
