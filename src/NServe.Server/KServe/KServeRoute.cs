using NServe.Core.Errors;

namespace NServe.Server.KServe;

/// <summary>What a REST v2 request asks for.</summary>
public enum KServeOperation
{
    ServerMetadata,
    ServerLive,
    ServerReady,
    ModelMetadata,
    ModelReady,
    ModelInfer,
}

/// <summary>
/// A parsed <c>/v2...</c> path (case-sensitive, as the spec says): the operation, the model and the
/// version string (null when absent; checked later, so a bad version is a 400 and not a 404), and the one
/// HTTP method the operation takes.
/// </summary>
public sealed record KServeRoute(KServeOperation Operation, string? Model, string? Version)
{
    public string Method => Operation == KServeOperation.ModelInfer ? "POST" : "GET";

    /// <summary>True for the paths this API owns: <c>/v2</c> and everything under <c>/v2/</c>.</summary>
    public static bool IsKServePath(ReadOnlySpan<char> path) =>
        path.SequenceEqual("/v2") || path.StartsWith("/v2/", StringComparison.Ordinal);

    /// <summary>Parses the path part of a request target; NotFound for a path that is no v2 endpoint.</summary>
    public static KServeRoute Parse(string path)
    {
        var segments = path.Split('/');

        // segments[0] is the empty string before the leading '/'.
        if (segments.Length < 2 || segments[0].Length != 0 || segments[1] != "v2")
        {
            throw NoRoute(path);
        }

        switch (segments.Length)
        {
            case 2:
                return new KServeRoute(KServeOperation.ServerMetadata, null, null);
            case 4 when segments[2] == "health" && segments[3] == "live":
                return new KServeRoute(KServeOperation.ServerLive, null, null);
            case 4 when segments[2] == "health" && segments[3] == "ready":
                return new KServeRoute(KServeOperation.ServerReady, null, null);
        }

        if (segments.Length < 4 || segments[2] != "models" || segments[3].Length == 0)
        {
            throw NoRoute(path);
        }

        var model = Uri.UnescapeDataString(segments[3]);
        string? version = null;
        var rest = 4;
        if (segments.Length >= 6 && segments[4] == "versions")
        {
            version = Uri.UnescapeDataString(segments[5]);
            if (version.Length == 0)
            {
                throw ServingException.InvalidArgument($"empty model version in {path}");
            }

            rest = 6;
        }

        if (segments.Length == rest)
        {
            return new KServeRoute(KServeOperation.ModelMetadata, model, version);
        }

        if (segments.Length == rest + 1)
        {
            switch (segments[rest])
            {
                case "ready":
                    return new KServeRoute(KServeOperation.ModelReady, model, version);
                case "infer":
                    return new KServeRoute(KServeOperation.ModelInfer, model, version);
            }
        }

        throw NoRoute(path);
    }

    private static ServingException NoRoute(string path) => ServingException.NotFound($"no v2 endpoint at {path}");
}
