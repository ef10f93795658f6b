using NServe.Core.Tensors;

namespace NServe.Server.KServe;

/// <summary>One requested output: its name and, for REST, whether it goes back as binary data (null = request default).</summary>
public sealed record KServeRequestedOutput(string Name, bool? BinaryData);

/// <summary>
/// A decoded v2 inference request, whichever wire it came on. Owns its input tensors: dispose it once the
/// run is over.
/// </summary>
public sealed class KServeInferRequest : IDisposable
{
    public string? Id { get; set; }

    /// <summary>The <c>signature_name</c> request parameter, or null for the default signature.</summary>
    public string? SignatureName { get; set; }

    /// <summary>The REST <c>binary_data_output</c> request parameter: outputs go back binary unless they say otherwise.</summary>
    public bool BinaryDataOutput { get; set; }

    /// <summary>Inputs by name, in request order.</summary>
    public List<KeyValuePair<string, Tensor>> Inputs { get; } = [];

    /// <summary>The outputs asked for, in order; empty means all of the signature's outputs.</summary>
    public List<KServeRequestedOutput> Outputs { get; } = [];

    public void Dispose()
    {
        foreach (var (_, tensor) in Inputs)
        {
            tensor.Dispose();
        }

        Inputs.Clear();
    }
}
