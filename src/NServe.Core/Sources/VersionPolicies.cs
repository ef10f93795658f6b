using Microsoft.Extensions.Logging;
using Tensorflow.Serving;
using ProtoPolicy = Tensorflow.Serving.FileSystemStoragePathSourceConfig.Types.ServableVersionPolicy;

namespace NServe.Core.Sources;

/// <summary>Builds a policy from a ModelConfig's <c>model_version_policy</c>.</summary>
public static class VersionPolicies
{
    public static IVersionPolicy FromProto(ProtoPolicy? policy, ILogger? logger = null) => policy?.PolicyChoiceCase switch
    {
        ProtoPolicy.PolicyChoiceOneofCase.All => new AllVersionsPolicy(),
        ProtoPolicy.PolicyChoiceOneofCase.Specific => new SpecificVersionsPolicy(policy.Specific.Versions.ToHashSet(), logger),
        ProtoPolicy.PolicyChoiceOneofCase.Latest => new LatestVersionsPolicy((int)Math.Min(policy.Latest.NumVersions, int.MaxValue)),
        _ => new LatestVersionsPolicy(),
    };

}
