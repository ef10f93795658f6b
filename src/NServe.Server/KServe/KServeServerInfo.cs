using NServe.Server.Options;

namespace NServe.Server.KServe;

/// <summary>What server metadata reports: the name, NServe's version, and the v2 extensions implemented.</summary>
public static class KServeServerInfo
{
    public const string Name = "nserve";

    public static string Version => VersionText.NServeVersion;

    /// <summary>Only what NServe really implements: the REST binary tensor data extension.</summary>
    public static IReadOnlyList<string> Extensions { get; } = ["binary_tensor_data"];
}
