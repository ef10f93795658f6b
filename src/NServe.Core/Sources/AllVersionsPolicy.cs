namespace NServe.Core.Sources;

/// <summary>Every version found (<c>model_version_policy { all {} }</c>).</summary>
public sealed class AllVersionsPolicy : IVersionPolicy
{
    public IReadOnlyList<AspiredVersion> Choose(string model, IReadOnlyList<AspiredVersion> found) => found;
}
