using NServe.Core.Errors;

namespace NServe.Server.KServe;

/// <summary>Errors the v2 endpoints raise in more than one place.</summary>
public static class KServeErrors
{
    public static ServingException UnknownModel(string model) => ServingException.NotFound($"Model '{model}' is not known to this server");
}
