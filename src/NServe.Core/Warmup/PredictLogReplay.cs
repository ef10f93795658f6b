using NServe.Core.Errors;
using NServe.Core.Inference;
using NServe.Core.Servables;
using NServe.Core.Tensors;
using Tensorflow.Serving;

namespace NServe.Core.Warmup;

/// <summary>
/// Runs a recorded <see cref="PredictRequest"/> on a servable as the Predict API would (signature lookup and
/// input checks included), discarding the outputs. Inputs are decoded once for all iterations.
/// </summary>
internal static class PredictLogReplay
{
    public static async Task RunAsync(IServable servable, PredictRequest request, int iterations, CancellationToken cancellationToken)
    {
        var key = string.IsNullOrEmpty(request.ModelSpec?.SignatureName) ? Signature.DefaultKey : request.ModelSpec.SignatureName;
        if (!servable.Signatures.TryGetValue(key, out var signature))
        {
            throw ServingException.FailedPrecondition($"Serving signature key \"{key}\" not found.");
        }

        PredictValidation.CheckInputs(signature, request.Inputs.Keys.ToList());
        var wanted = PredictValidation.ResolveOutputs(signature, request.OutputFilter);
        var inputs = new Dictionary<string, Tensor>(request.Inputs.Count, StringComparer.Ordinal);
        try
        {
            foreach (var (alias, proto) in request.Inputs)
            {
                inputs[alias] = TensorProtoConverter.ToTensor(proto);
            }

            for (var i = 0; i < iterations; i++)
            {
                var outputs = await servable.RunAsync(key, inputs, wanted, cancellationToken).ConfigureAwait(false);
                foreach (var tensor in outputs.Values)
                {
                    tensor.Dispose();
                }
            }
        }
        finally
        {
            foreach (var tensor in inputs.Values)
            {
                tensor.Dispose();
            }
        }
    }
}
