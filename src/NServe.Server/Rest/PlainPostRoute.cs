namespace NServe.Server.Rest;

/// <summary>
/// The POST URLs clients send on every request (<c>/v1/models/NAME[/versions/N|/labels/L]:verb</c>, lower case,
/// no query), read without the regular expression, which costs a Match and its Groups per request. It accepts
/// only targets that TF Serving's pattern accepts with the same captures; anything else (other casing, a
/// query, a malformed URL) returns null and goes through <see cref="RestRoute.Parse"/>'s regex and its errors.
/// </summary>
internal static class PlainPostRoute
{
    private const string Prefix = "/v1/models/";
    private const string VersionsPart = "/versions/";
    private const string LabelsPart = "/labels/";

    public static RestRoute? TryParse(string rawTarget)
    {
        if (!rawTarget.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var nameStart = Prefix.Length;
        var nameEnd = rawTarget.AsSpan(nameStart).IndexOfAny('/', ':');
        if (nameEnd <= 0)
        {
            return null;
        }

        nameEnd += nameStart;
        long? version = null;
        string? label = null;
        var colon = nameEnd;
        if (rawTarget[nameEnd] == '/')
        {
            var rest = rawTarget.AsSpan(nameEnd);
            if (rest.StartsWith(VersionsPart, StringComparison.Ordinal))
            {
                var digitsStart = nameEnd + VersionsPart.Length;
                var digits = rawTarget.AsSpan(digitsStart).IndexOfAnyExceptInRange('0', '9');
                if (digits <= 0 || rawTarget[digitsStart + digits] != ':')
                {
                    return null;
                }

                colon = digitsStart + digits;
                version = RestRoute.ParseVersion(rawTarget[digitsStart..colon]);
            }
            else if (rest.StartsWith(LabelsPart, StringComparison.Ordinal))
            {
                var labelStart = nameEnd + LabelsPart.Length;
                var labelLength = rawTarget.AsSpan(labelStart).IndexOfAny('/', ':');
                if (labelLength <= 0 || rawTarget[labelStart + labelLength] != ':')
                {
                    return null;
                }

                colon = labelStart + labelLength;
                label = RestRoute.Decode(rawTarget[labelStart..colon]);
            }
            else
            {
                return null;
            }
        }

        RestOperation operation;
        switch (rawTarget.AsSpan(colon + 1))
        {
            case "predict":
                operation = RestOperation.Predict;
                break;
            case "classify":
                operation = RestOperation.Classify;
                break;
            case "regress":
                operation = RestOperation.Regress;
                break;
            default:
                return null;
        }

        return new RestRoute(operation, RestRoute.Decode(rawTarget[nameStart..nameEnd]), version, label);
    }
}
