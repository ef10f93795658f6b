using System.Globalization;
using System.Text.RegularExpressions;
using NServe.Core.Errors;

namespace NServe.Server.Rest;

/// <summary>What a REST v1 request asks for.</summary>
public enum RestOperation
{
    /// <summary><c>GET /v1/models</c>: every model (NServe's addition; TF Serving answers "Missing model name").</summary>
    ListModels,
    Status,
    Metadata,
    Predict,
    Classify,
    Regress,
}

/// <summary>
/// A parsed <c>/v1/models/...</c> URL. The regular expressions are TF Serving's own (http_rest_api_util.cc),
/// matched against the raw path plus query, so a client sees the same acceptance and the same errors.
/// </summary>
public sealed partial record RestRoute(RestOperation Operation, string? ModelName, long? Version, string? Label)
{
    [GeneratedRegex(@"^/v1/models/([^/:]+)(?:(?:/versions/(\d+))|(?:/labels/([^/:]+)))?:(classify|regress|predict)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex PostPattern();

    [GeneratedRegex(@"^/v1/models(?:/([^/:]+))?(?:(?:/versions/(\d+))|(?:/labels/([^/:]+)))?(?:/(metadata))?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex GetPattern();

    /// <summary>True when the REST dispatcher handles the target at all (<c>(?i)/v1/.*</c>); otherwise 404.</summary>
    public static bool IsApiPath(string rawTarget) => rawTarget.StartsWith("/v1/", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Parses <paramref name="rawTarget"/> for <paramref name="method"/> (GET or POST). Throws
    /// <see cref="ServingException"/> with TF Serving's texts; <see cref="VersionConversionException"/> for a
    /// version that does not fit an int64, which TF Serving answers with an empty body.
    /// </summary>
    public static RestRoute Parse(string method, string rawTarget)
    {
        if (method == "POST")
        {
            if (PlainPostRoute.TryParse(rawTarget) is { } plain)
            {
                return plain;
            }

            var match = PostPattern().Match(rawTarget);
            // The verb is compared case-sensitively after a case-insensitive match, as TF Serving does.
            if (match.Success && match.Groups[4].Value is "predict" or "classify" or "regress")
            {
                var operation = match.Groups[4].Value switch
                {
                    "predict" => RestOperation.Predict,
                    "classify" => RestOperation.Classify,
                    _ => RestOperation.Regress,
                };
                return new RestRoute(operation, Decode(match.Groups[1].Value), ParseVersion(match.Groups[2]), DecodeOrNull(match.Groups[3]));
            }
        }
        else if (method == "GET")
        {
            var match = GetPattern().Match(rawTarget);
            if (match.Success)
            {
                if (!match.Groups[1].Success)
                {
                    if (match.Groups[2].Success || match.Groups[3].Success || match.Groups[4].Success)
                    {
                        throw ServingException.InvalidArgument("Missing model name in request.");
                    }

                    return new RestRoute(RestOperation.ListModels, null, null, null);
                }

                // "METADATA" matches the case-insensitive pattern but is served as a status request.
                var operation = match.Groups[4].Value == "metadata" ? RestOperation.Metadata : RestOperation.Status;
                return new RestRoute(operation, Decode(match.Groups[1].Value), ParseVersion(match.Groups[2]), DecodeOrNull(match.Groups[3]));
            }
        }

        throw ServingException.InvalidArgument($"Malformed request: {method} {rawTarget}");
    }

    private static long? ParseVersion(Group group) => group.Success ? ParseVersion(group.Value) : null;

    internal static long ParseVersion(string digits) =>
        long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var version)
            ? version
            : throw new VersionConversionException($"Failed to convert version: {digits} to numeric.");

    private static string? DecodeOrNull(Group group) => group.Success ? Decode(group.Value) : null;

    internal static string Decode(string value) => Uri.UnescapeDataString(value);
}

/// <summary>A version number too large for an int64: TF Serving answers 400 with an empty body.</summary>
public sealed class VersionConversionException(string message) : Exception(message);
