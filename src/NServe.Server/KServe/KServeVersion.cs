using System.Globalization;
using NServe.Core.Errors;
using NServe.Core.Management;

namespace NServe.Server.KServe;

/// <summary>
/// v2 version strings: decimal numbers naming NServe's int64 versions; empty means the latest. v2 has no
/// labels, so a version string that is not a number but is one of the model's version labels
/// (<c>stable</c>, <c>canary</c>) resolves as the label does in v1; any other string is a bad request.
/// </summary>
public static class KServeVersion
{
    /// <summary>The version <paramref name="version"/> names for <paramref name="model"/>: a number, a label's version, or null for the latest.</summary>
    public static long? Resolve(ServableManager manager, string model, string? version)
    {
        if (string.IsNullOrEmpty(version))
        {
            return null;
        }

        if (TryParseNumber(version, out var number))
        {
            return number;
        }

        if (manager.GetLabels(model).TryGetValue(version, out var labelled))
        {
            return labelled;
        }

        // An unknown model is the clearer error (404) than its version string.
        throw manager.ModelNames.Contains(model, StringComparer.Ordinal)
            ? ServingException.InvalidArgument(
                $"model version '{version}' is not a version number (v2 versions are decimal numbers) nor a version label of model '{model}'")
            : KServeErrors.UnknownModel(model);
    }

    public static string Format(long version) => version.ToString(CultureInfo.InvariantCulture);

    private static bool TryParseNumber(string version, out long number) =>
        long.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out number);
}
