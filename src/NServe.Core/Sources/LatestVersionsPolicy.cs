namespace NServe.Core.Sources;

/// <summary>The N highest versions (TF Serving's default policy, N = 1).</summary>
public sealed class LatestVersionsPolicy(int numVersions = 1) : IVersionPolicy
{
    public int NumVersions { get; } = Math.Max(numVersions, 1);

    public IReadOnlyList<AspiredVersion> Choose(string model, IReadOnlyList<AspiredVersion> found) =>
        found.Take(NumVersions).ToList();
}
