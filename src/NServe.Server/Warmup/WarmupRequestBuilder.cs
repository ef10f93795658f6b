using System.Text.Json;
using NServe.Core.Errors;
using NServe.Core.Inference;
using NServe.Core.Servables;
using NServe.Core.Tensors;
using NServe.Server.Rest.Json;
using Tensorflow.Serving;

namespace NServe.Server.Warmup;

/// <summary>
/// Turns a REST <c>:predict</c>, <c>:classify</c> or <c>:regress</c> body into the <see cref="PredictionLog"/>
/// a warmup file holds, decoding it exactly as the REST API would against the model's signatures.
/// </summary>
public sealed class WarmupRequestBuilder(IServable servable, string modelName, string? defaultSignature)
{
    /// <exception cref="ServingException">The body is not a predict request the model accepts (REST's message).</exception>
    public PredictionLog Build(ReadOnlySpan<byte> utf8Body)
    {
        if (NamesExamples(utf8Body))
        {
            return ExampleLog.Build(ExampleRequestReader.Read(utf8Body), servable, modelName, defaultSignature);
        }

        string? key = null;
        using var parsed = PredictRequestReader.Read(utf8Body, name =>
        {
            key = name ?? defaultSignature ?? Signature.DefaultKey;
            return servable.Signatures.TryGetValue(key, out var signature)
                ? signature
                : throw ServingException.InvalidArgument($"Serving signature name: \"{key}\" not found in signature def");
        });

        PredictValidation.CheckInputs(servable.Signatures[key!], parsed.Inputs.Keys);
        var request = new PredictRequest { ModelSpec = new ModelSpec { Name = modelName, SignatureName = key } };
        foreach (var (alias, tensor) in parsed.Inputs)
        {
            request.Inputs.Add(alias, TensorProtoConverter.ToProto(tensor, useTensorContent: true));
        }

        return new PredictionLog { PredictLog = new PredictLog { Request = request } };
    }

    // Classify/regress bodies carry "examples" at the top level; predict bodies never do.
    private static bool NamesExamples(ReadOnlySpan<byte> utf8Body)
    {
        try
        {
            var reader = new Utf8JsonReader(utf8Body);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("examples"u8))
                {
                    return true;
                }

                reader.Skip();
            }
        }
        catch (JsonException)
        {
            // Not JSON: the predict reader gives TF Serving's parse error.
        }

        return false;
    }
}
