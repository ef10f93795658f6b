using System.Security.Cryptography;
using System.Text;
using NServe.Core.Errors;

namespace NServe.Server.Security;

/// <summary>
/// Optional bearer tokens (NServe's addition; TF Serving has none): one that inference, status and metadata
/// calls must present, and one for admin calls such as config reloads, which also opens everything else.
/// With neither file set, every call is allowed, as in TF Serving.
/// </summary>
public sealed class BearerTokens
{
    private readonly byte[]? _inference;
    private readonly byte[]? _admin;

    private BearerTokens(byte[]? inference, byte[]? admin)
    {
        _inference = inference;
        _admin = admin;
    }

    public bool IsEnabled => _inference is not null || _admin is not null;

    public static BearerTokens Load(string inferenceTokenFile, string adminTokenFile) =>
        new(Read(inferenceTokenFile), Read(adminTokenFile));

    /// <summary>
    /// Checks an <c>Authorization</c> header value; throws Unauthenticated when the call is not allowed.
    /// An inference call needs the inference or the admin token (when either is configured); an admin call
    /// needs the admin token (when it is configured).
    /// </summary>
    public void Check(string? authorization, bool admin)
    {
        var required = admin ? _admin : _inference ?? _admin;
        if (required is null)
        {
            return;
        }

        var presented = Presented(authorization);
        var allowed = presented is not null
            && (Matches(presented, _admin) || (!admin && Matches(presented, _inference)));
        if (!allowed)
        {
            throw new ServingException(
                StatusCode.Unauthenticated,
                admin ? "This call needs the admin bearer token (Authorization: Bearer <token>)" : "This call needs a bearer token (Authorization: Bearer <token>)");
        }
    }

    private static byte[]? Presented(string? authorization)
    {
        const string scheme = "Bearer ";
        if (authorization is null || !authorization.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        return Encoding.UTF8.GetBytes(authorization[scheme.Length..].Trim());
    }

    private static bool Matches(byte[] presented, byte[]? expected) =>
        expected is not null && CryptographicOperations.FixedTimeEquals(presented, expected);

    private static byte[]? Read(string path)
    {
        if (path.Length == 0)
        {
            return null;
        }

        string token;
        try
        {
            token = File.ReadAllText(path).Trim();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw ServingException.InvalidArgument($"Cannot read token file {path}: {ex.Message}");
        }

        if (token.Length == 0)
        {
            throw ServingException.InvalidArgument($"Token file {path} is empty");
        }

        return Encoding.UTF8.GetBytes(token);
    }
}
