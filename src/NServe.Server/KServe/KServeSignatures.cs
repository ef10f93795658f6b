using NServe.Core.Errors;
using NServe.Core.Servables;

namespace NServe.Server.KServe;

/// <summary>
/// How a v2 model maps onto a NServe servable: v2 has no signatures, so a request runs
/// <c>serving_default</c> unless its <c>signature_name</c> parameter names another; a model without
/// <c>serving_default</c> but with exactly one signature runs that one. v2 tensor names are the
/// signature's aliases.
/// </summary>
public static class KServeSignatures
{
    /// <summary>The signature key a request runs, or InvalidArgument naming the ones that exist.</summary>
    public static string Resolve(IServable servable, string? requested)
    {
        if (!string.IsNullOrEmpty(requested))
        {
            return servable.Signatures.ContainsKey(requested)
                ? requested
                : throw ServingException.InvalidArgument(
                    $"model '{servable.Id.Name}' has no signature '{requested}'; it has {List(servable)}");
        }

        return TryDefault(servable, out var key)
            ? key
            : throw ServingException.InvalidArgument(
                $"model '{servable.Id.Name}' has no '{Signature.DefaultKey}' signature; choose one of {List(servable)} with the 'signature_name' parameter");
    }

    public static bool TryDefault(IServable servable, out string key)
    {
        if (servable.Signatures.ContainsKey(Signature.DefaultKey))
        {
            key = Signature.DefaultKey;
            return true;
        }

        if (servable.Signatures.Count == 1)
        {
            key = servable.Signatures.Keys.First();
            return true;
        }

        key = "";
        return false;
    }

    /// <summary>The v2 platform name (Triton's spelling) for a NServe loader platform.</summary>
    public static string Platform(string platform) => platform switch
    {
        "onnx" => "onnxruntime_onnx",
        "tensorflow" => "tensorflow_savedmodel",
        _ => platform,
    };

    /// <summary>
    /// A spec's shape for metadata: -1 for any size. v2 cannot say "any rank", so an unknown rank shows as
    /// <c>[-1]</c>.
    /// </summary>
    public static long[] Shape(TensorSpec spec) => spec.Shape ?? [-1];

    private static string List(IServable servable) =>
        servable.Signatures.Count == 0 ? "no signatures" : string.Join(", ", servable.Signatures.Keys.Select(k => $"'{k}'"));
}
