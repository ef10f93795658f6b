namespace NServe.Core.Sources;

/// <summary>Chooses which of the versions found in storage should be served (ServableVersionPolicy).</summary>
public interface IVersionPolicy
{
    /// <summary>Picks from <paramref name="found"/>, which is sorted highest first.</summary>
    IReadOnlyList<AspiredVersion> Choose(string model, IReadOnlyList<AspiredVersion> found);
}
