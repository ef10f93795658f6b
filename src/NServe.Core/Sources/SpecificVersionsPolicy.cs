using Microsoft.Extensions.Logging;

namespace NServe.Core.Sources;

/// <summary>
/// Exactly the listed versions that exist (<c>specific { versions: 1 versions: 2 }</c>); a listed version
/// that is missing is logged, in TF Serving's words, and the rest are served.
/// </summary>
public sealed class SpecificVersionsPolicy(IReadOnlyCollection<long> versions, ILogger? logger = null) : IVersionPolicy
{
    public IReadOnlyCollection<long> Versions { get; } = versions;

    public IReadOnlyList<AspiredVersion> Choose(string model, IReadOnlyList<AspiredVersion> found)
    {
        if (Versions.Count == 0)
        {
            logger?.LogWarning("No specific versions requested for servable {Model}.", model);
            return [];
        }

        foreach (var wanted in Versions)
        {
            if (!found.Any(v => v.Version == wanted))
            {
                logger?.LogWarning(
                    "Version {Version} of servable {Model}, which was requested to be served as a 'specific' version in the servable's version policy, was not found in the file system",
                    wanted,
                    model);
            }
        }

        return found.Where(v => Versions.Contains(v.Version)).ToList();
    }
}
