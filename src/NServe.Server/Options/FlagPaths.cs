namespace NServe.Server.Options;

/// <summary>
/// Resolution of relative paths in flags marked <see cref="FlagDefinition.IsPath"/>: every config file
/// flag and <c>--model_base_path</c>. TF Serving refuses a relative model base path; NServe resolves it
/// against the working directory so <c>--model_base_path=examples/half_plus_two</c> works.
/// <c>--grpc_socket_path</c> is deliberately left as given: the OS already resolves it against the same
/// working directory, and making it absolute could exceed the 107-byte limit of a UNIX socket path.
/// </summary>
public static class FlagPaths
{
    /// <summary>
    /// <paramref name="value"/> made absolute against <paramref name="workingDirectory"/>. Empty values,
    /// absolute paths and URIs (<c>scheme://...</c>, e.g. <c>gs://bucket/model</c>) are returned unchanged.
    /// </summary>
    public static string Resolve(string value, string workingDirectory)
    {
        if (value.Length == 0 || IsUri(value) || Path.IsPathRooted(value))
        {
            return value;
        }
        return Path.GetFullPath(value, workingDirectory);
    }

    /// <summary>
    /// True for <c>scheme://rest</c> with TF's scheme syntax (tensorflow/core/platform/path.cc ParseURI):
    /// a letter followed by letters, digits or dots.
    /// </summary>
    public static bool IsUri(string value)
    {
        var separator = value.IndexOf("://", StringComparison.Ordinal);
        if (separator <= 0 || !char.IsAsciiLetter(value[0]))
        {
            return false;
        }
        for (var i = 1; i < separator; i++)
        {
            if (!char.IsAsciiLetterOrDigit(value[i]) && value[i] != '.')
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Resolves every path flag of <paramref name="options"/> in place.</summary>
    public static void ResolveRelativePaths(ServerOptions options, string workingDirectory)
    {
        foreach (var flag in ServerFlags.All)
        {
            if (flag.IsPath)
            {
                flag.SetString(options, Resolve(flag.GetString(options), workingDirectory));
            }
        }
    }
}
