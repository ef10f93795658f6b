using Grpc.Core;
using NServe.Core.Errors;
using NServe.Core.Management;
using NServe.Server.Serving;
using Tensorflow.Serving;

namespace NServe.Server.Grpc;

/// <summary><c>tensorflow.serving.ModelService</c>: model status and config reload.</summary>
public sealed class ModelServiceImpl(ModelStatusReader statusReader, ModelConfigApplier applier) : ModelService.ModelServiceBase
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

    /// <summary>Replaces the whole model config: models left out are unloaded; a bad config changes nothing.</summary>
    public override async Task<ReloadConfigResponse> HandleReloadConfigRequest(ReloadConfigRequest request, ServerCallContext context)
    {
        if (request.Config?.ConfigCase != ModelServerConfig.ConfigOneofCase.ModelConfigList)
        {
            throw ServingException.InvalidArgument(
                "ServerModelConfig type not supported by HandleReloadConfigRequest. Only ModelConfigList is currently supported");
        }

        await applier.ApplyAsync(request.Config, context.CancellationToken).ConfigureAwait(false);
        return new ReloadConfigResponse { Status = new StatusProto { ErrorCode = Tensorflow.Error.Code.Ok } };
    }
}
