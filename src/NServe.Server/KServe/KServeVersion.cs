using System.Globalization;
using NServe.Core.Errors;
using NServe.Core.Management;

namespace NServe.Server.KServe;

/// <summary>v2 version strings: decimal numbers naming NServe's int64 versions; empty means the latest.</summary>
public static class KServeVersion
{
    public static long? Parse(string? version)
    {
        if (string.IsNullOrEmpty(version))
        {
            return null;
        }

        return long.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw ServingException.InvalidArgument($"model version '{version}' is not a version number (v2 versions are decimal numbers)");
    }

    public static ServableRequest Request(string model, string? version) => new(model, Parse(version));

    public static string Format(long version) => version.ToString(CultureInfo.InvariantCulture);
}
