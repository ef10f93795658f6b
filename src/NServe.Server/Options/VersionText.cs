using System.Reflection;

namespace NServe.Server.Options;

/// <summary>
/// <c>nserve --version</c>. TF Serving prints "TensorFlow ModelServer: &lt;version&gt;" and "TensorFlow
/// Library: &lt;version&gt;"; NServe prints its own version first, then a "TensorFlow ModelServer:" line
/// stating API compatibility, so scripts grepping for that prefix still find it. There is no TensorFlow
/// library in NServe, hence no second TF line.
/// </summary>
public static class VersionText
{
    /// <summary>The TF Serving API generation NServe implements (tensorflow.serving protos, REST v1).</summary>
    public const string CompatibleModelServerVersion = "2.x compatible";

    /// <summary>The informational version of the nserve assembly (e.g. <c>0.1.0+3463601</c>).</summary>
    public static string NServeVersion { get; } =
        typeof(VersionText).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(VersionText).Assembly.GetName().Version?.ToString()
        ?? "unknown";

    public static string Render() =>
        $"nserve {NServeVersion}\nTensorFlow ModelServer: {CompatibleModelServerVersion}\n";
}
