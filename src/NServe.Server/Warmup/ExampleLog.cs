using NServe.Core.Errors;
using NServe.Core.Inference;
using NServe.Core.Servables;
using NServe.Server.Rest.Json;
using Tensorflow.Serving;

namespace NServe.Server.Warmup;

/// <summary>
/// A classify or regress body (<c>examples</c>) as a warmup record. A body does not say which of the two it
/// is, so the signature decides: its method name, or for a TF2 signature marked predict, its outputs
/// (<c>outputs</c> regresses; <c>classes</c>/<c>scores</c> classify).
/// </summary>
internal static class ExampleLog
{
    public static PredictionLog Build(ExampleRequestJson body, IServable servable, string modelName, string? defaultSignature)
    {
        var key = body.SignatureName.Length > 0 ? body.SignatureName : defaultSignature ?? Signature.DefaultKey;
        if (!servable.Signatures.TryGetValue(key, out var signature))
        {
            throw ServingException.InvalidArgument($"No signature was found with the name: {key}");
        }

        var spec = new ModelSpec { Name = modelName, SignatureName = key };
        if (IsRegression(signature))
        {
            ExampleSignatures.CheckRegression(signature, checkMethodName: false);
            return new PredictionLog { RegressLog = new RegressLog { Request = new RegressionRequest { ModelSpec = spec, Input = body.Input } } };
        }

        ExampleSignatures.CheckClassification(signature, checkMethodName: false);
        return new PredictionLog { ClassifyLog = new ClassifyLog { Request = new ClassificationRequest { ModelSpec = spec, Input = body.Input } } };
    }

    private static bool IsRegression(Signature signature) =>
        signature.MethodName == Signature.RegressMethod
        || (signature.MethodName != Signature.ClassifyMethod && signature.OutputsByAlias.ContainsKey(ExampleSignatures.OutputsAlias));
}
