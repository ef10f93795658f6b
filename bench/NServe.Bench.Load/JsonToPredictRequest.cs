using System.Runtime.InteropServices;
using System.Text.Json;
using Google.Protobuf;
using Tensorflow;
using Tensorflow.Serving;

namespace NServe.Bench.Load;

/// <summary>
/// Turns a REST predict body into the equivalent gRPC PredictRequest of DT_FLOAT tensors, so both
/// protocols can be driven from one file. A load generator's setup, not a request path: a DOM is fine here.
/// </summary>
internal static class JsonToPredictRequest
{
    public static PredictRequest Convert(byte[] json, LoadOptions options)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var request = new PredictRequest { ModelSpec = new ModelSpec { Name = options.Model } };
        if (options.Version is { } version)
        {
            request.ModelSpec.Version = version;
        }

        if (options.Signature.Length > 0)
        {
            request.ModelSpec.SignatureName = options.Signature;
        }

        if (root.TryGetProperty("instances", out var instances))
        {
            if (instances.GetArrayLength() > 0 && instances[0].ValueKind == JsonValueKind.Object)
            {
                foreach (var property in instances[0].EnumerateObject())
                {
                    var rows = instances.EnumerateArray().Select(row => row.GetProperty(property.Name)).ToList();
                    request.Inputs.Add(property.Name, Stack(rows, options.FloatVal));
                }
            }
            else
            {
                request.Inputs.Add(options.InputName, ToTensor(instances, options.FloatVal));
            }
        }
        else if (root.TryGetProperty("inputs", out var inputs))
        {
            if (inputs.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in inputs.EnumerateObject())
                {
                    request.Inputs.Add(property.Name, ToTensor(property.Value, options.FloatVal));
                }
            }
            else
            {
                request.Inputs.Add(options.InputName, ToTensor(inputs, options.FloatVal));
            }
        }
        else
        {
            throw new ArgumentException("the body has neither \"instances\" nor \"inputs\"");
        }

        return request;
    }

    private static TensorProto Stack(List<JsonElement> rows, bool floatVal)
    {
        var values = new List<float>();
        List<long>? rowShape = null;
        foreach (var row in rows)
        {
            var shape = new List<long>();
            Flatten(row, values, shape, 0);
            rowShape ??= shape;
        }

        return Build([rows.Count, .. rowShape ?? []], values, floatVal);
    }

    private static TensorProto ToTensor(JsonElement value, bool floatVal)
    {
        var values = new List<float>();
        var shape = new List<long>();
        Flatten(value, values, shape, 0);
        return Build(shape, values, floatVal);
    }

    /// <summary>Appends the numbers of a (nested) array in row-major order, noting each level's length.</summary>
    private static void Flatten(JsonElement value, List<float> values, List<long> shape, int depth)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            values.Add(value.GetSingle());
            return;
        }

        if (shape.Count == depth)
        {
            shape.Add(value.GetArrayLength());
        }

        foreach (var item in value.EnumerateArray())
        {
            Flatten(item, values, shape, depth + 1);
        }
    }

    private static TensorProto Build(IEnumerable<long> shape, List<float> values, bool floatVal)
    {
        var tensor = new TensorProto { Dtype = DataType.DtFloat, TensorShape = new TensorShapeProto() };
        foreach (var dim in shape)
        {
            tensor.TensorShape.Dim.Add(new TensorShapeProto.Types.Dim { Size = dim });
        }

        if (floatVal)
        {
            tensor.FloatVal.Add(values);
        }
        else
        {
            tensor.TensorContent = ByteString.CopyFrom(MemoryMarshal.AsBytes(CollectionsMarshal.AsSpan(values)));
        }

        return tensor;
    }
}
