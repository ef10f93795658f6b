namespace NServe.Core.Sources;

/// <summary>Base paths as configured: local folders, or URIs naming a remote store.</summary>
public static class BasePaths
{
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

    /// <summary>A local path made absolute; a URI unchanged.</summary>
    public static string Resolve(string value) => IsUri(value) ? value : Path.GetFullPath(value);
}
