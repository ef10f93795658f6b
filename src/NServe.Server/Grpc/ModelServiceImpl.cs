using Grpc.Core;
using NServe.Core.Errors;
using NServe.Server.Serving;
using Tensorflow.Serving;

namespace NServe.Server.Grpc;

/// <summary><c>tensorflow.serving.ModelService</c>: model status (config reload comes with model management).</summary>
public sealed class ModelServiceImpl(ModelStatusReader statusReader) : ModelService.ModelServiceBase
{
    public override Task<GetModelStatusResponse> GetModelStatus(GetModelStatusRequest request, ServerCallContext context)
    {
        if (request.ModelSpec is null)
        {
            throw ServingException.InvalidArgument("Missing ModelSpec");
        }

        long? version = request.ModelSpec.VersionChoiceCase == ModelSpec.VersionChoiceOneofCase.Version ? request.ModelSpec.Version : null;
        return Task.FromResult(statusReader.Read(request.ModelSpec.Name, version));
    }

    public override Task<ReloadConfigResponse> HandleReloadConfigRequest(ReloadConfigRequest request, ServerCallContext context) =>
        throw ServingException.Unimplemented("HandleReloadConfigRequest is not implemented yet in NServe");
}
