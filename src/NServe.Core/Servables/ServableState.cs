namespace NServe.Core.Servables;

/// <summary>
/// A version's life, numbered as <c>tensorflow.serving.ModelVersionStatus.State</c> so it maps 1:1 onto
/// the status API. A version that failed to load ends in <see cref="End"/> with its error kept.
/// </summary>
public enum ServableState
{
    Unknown = 0,
    Start = 10,
    Loading = 20,
    Available = 30,
    Unloading = 40,
    End = 50,
}
