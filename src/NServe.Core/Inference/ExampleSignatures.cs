using NServe.Core.Errors;
using NServe.Core.Servables;

namespace NServe.Core.Inference;

/// <summary>
/// TF Serving's checks that a signature can classify or regress tf.Examples (classifier.cc and regressor.cc:
/// <c>Get*SignatureDef</c> and <c>PreProcess*</c>), with its messages: one input aliased <c>inputs</c>;
/// for classify one or two outputs among <c>classes</c> and <c>scores</c>, for regress one output
/// <c>outputs</c>. The method name is checked only under <c>--enable_signature_method_name_check</c>, since
/// TF2 SavedModels mark these signatures <c>tensorflow/serving/predict</c>.
/// </summary>
public static class ExampleSignatures
{
    public const string InputsAlias = "inputs";
    public const string ClassesAlias = "classes";
    public const string ScoresAlias = "scores";
    public const string OutputsAlias = "outputs";

    /// <summary>The signature key a request's model_spec names (empty means <c>serving_default</c>).</summary>
    public static string Key(string? signatureName) => string.IsNullOrEmpty(signatureName) ? Signature.DefaultKey : signatureName;

    /// <summary>Looks up <paramref name="key"/> for a Classify request and checks it.</summary>
    public static Signature FindClassification(IServable servable, string key, bool checkMethodName)
    {
        var signature = Find(servable, key);
        CheckClassification(signature, checkMethodName);
        return signature;
    }

    /// <summary>Looks up <paramref name="key"/> for a Regress request and checks it.</summary>
    public static Signature FindRegression(IServable servable, string key, bool checkMethodName)
    {
        var signature = Find(servable, key);
        CheckRegression(signature, checkMethodName);
        return signature;
    }

    /// <summary>The checks of <c>PreProcessClassification</c>.</summary>
    public static void CheckClassification(Signature signature, bool checkMethodName)
    {
        if (checkMethodName && signature.MethodName != Signature.ClassifyMethod)
        {
            throw ServingException.InvalidArgument(
                $"Expected classification signature method_name to be {Signature.ClassifyMethod}. Was: {signature.MethodName}");
        }

        if (signature.Inputs.Count != 1)
        {
            throw ServingException.InvalidArgument("Expected one input Tensor.");
        }

        if (signature.Outputs.Count is not (1 or 2))
        {
            throw ServingException.InvalidArgument($"Expected one or two output Tensors, found {signature.Outputs.Count}");
        }

        if (!signature.InputsByAlias.ContainsKey(InputsAlias))
        {
            throw ServingException.InvalidArgument($"No classification inputs found in SignatureDef: {SignatureText.Print(signature)}");
        }

        if (!signature.OutputsByAlias.ContainsKey(ClassesAlias) && !signature.OutputsByAlias.ContainsKey(ScoresAlias))
        {
            throw ServingException.InvalidArgument(
                $"Expected classification signature outputs to contain at least one of \"{ClassesAlias}\" or \"{ScoresAlias}\". Signature was: {SignatureText.Print(signature)}");
        }
    }

    /// <summary>The checks of <c>PreProcessRegression</c>.</summary>
    public static void CheckRegression(Signature signature, bool checkMethodName)
    {
        if (checkMethodName && signature.MethodName != Signature.RegressMethod)
        {
            throw ServingException.InvalidArgument(
                $"Expected regression signature method_name to be {Signature.RegressMethod}. Was: {signature.MethodName}");
        }

        if (signature.Inputs.Count != 1)
        {
            throw ServingException.InvalidArgument("Expected one input Tensor.");
        }

        if (signature.Outputs.Count != 1)
        {
            throw ServingException.InvalidArgument("Expected one output Tensor.");
        }

        if (!signature.InputsByAlias.ContainsKey(InputsAlias))
        {
            throw ServingException.InvalidArgument($"No regression inputs found in SignatureDef: {SignatureText.Print(signature)}");
        }

        if (!signature.OutputsByAlias.ContainsKey(OutputsAlias))
        {
            throw ServingException.InvalidArgument($"No regression outputs found in SignatureDef: {SignatureText.Print(signature)}");
        }
    }

    /// <summary>The outputs a classification computes: <c>classes</c> and/or <c>scores</c>.</summary>
    public static IReadOnlyList<string> ClassificationOutputs(Signature signature)
    {
        var outputs = new List<string>(2);
        if (signature.OutputsByAlias.ContainsKey(ClassesAlias))
        {
            outputs.Add(ClassesAlias);
        }

        if (signature.OutputsByAlias.ContainsKey(ScoresAlias))
        {
            outputs.Add(ScoresAlias);
        }

        return outputs;
    }

    private static Signature Find(IServable servable, string key) =>
        servable.Signatures.TryGetValue(key, out var signature)
            ? signature
            : throw ServingException.InvalidArgument($"No signature was found with the name: {key}");
}
