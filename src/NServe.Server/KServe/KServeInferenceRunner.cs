using NServe.Core.Errors;
using NServe.Core.Inference;
using NServe.Core.Management;
using NServe.Core.Tensors;

namespace NServe.Server.KServe;

/// <summary>
/// Runs a decoded v2 request on a servable, for REST and gRPC alike: picks the signature, checks the
/// input names (TF Serving's predict checks) and datatypes (v2 never converts types), resolves the
/// requested outputs, runs, and orders the outputs as requested (else as the signature lists them).
/// </summary>
public static class KServeInferenceRunner
{
    public static async Task<KServeInferResult> RunAsync(ServableHandle handle, KServeInferRequest request, CancellationToken cancellationToken)
    {
        var servable = handle.Servable;
        var key = KServeSignatures.Resolve(servable, request.SignatureName);
        var signature = servable.Signatures[key];

        var inputs = new Dictionary<string, Tensor>(request.Inputs.Count, StringComparer.Ordinal);
        foreach (var (name, tensor) in request.Inputs)
        {
            if (!inputs.TryAdd(name, tensor))
            {
                throw ServingException.InvalidArgument($"input '{name}' appears more than once");
            }
        }

        PredictValidation.CheckInputs(signature, inputs.Keys);
        foreach (var (name, tensor) in request.Inputs)
        {
            var expected = signature.InputsByAlias[name].DataType;
            if (tensor.DataType != expected)
            {
                throw ServingException.InvalidArgument(
                    $"input '{name}' has datatype {KServeDataTypes.Name(tensor.DataType)}, but model '{handle.Id.Name}' expects {Name(expected)}");
            }
        }

        var requested = request.Outputs.Count == 0 ? null : request.Outputs.Select(o => o.Name).ToList();
        var wanted = PredictValidation.ResolveOutputs(signature, requested);
        var outputs = await servable.RunAsync(key, inputs, wanted, cancellationToken).ConfigureAwait(false);
        try
        {
            var ordered = new List<KServeOutput>(wanted.Count);
            for (var i = 0; i < wanted.Count; i++)
            {
                var binary = request.Outputs.Count == 0 ? request.BinaryDataOutput : request.Outputs[i].BinaryData ?? request.BinaryDataOutput;
                ordered.Add(new KServeOutput(wanted[i], outputs[wanted[i]], binary));
            }

            // A servable may hand back more than was asked for; those are not sent, so free them now.
            foreach (var (alias, tensor) in outputs)
            {
                if (!wanted.Contains(alias))
                {
                    tensor.Dispose();
                }
            }

            return new KServeInferResult(handle.Id, ordered);
        }
        catch
        {
            foreach (var tensor in outputs.Values)
            {
                tensor.Dispose();
            }

            throw;
        }
    }

    private static string Name(TensorDataType type) =>
        TensorDataTypes.IsSupported(type) ? KServeDataTypes.Name(type) : TensorDataTypes.TfName(type);
}
