using NServe.Core.Servables;
using NServe.Core.Tensors;
using Tensorflow;

namespace NServe.TensorFlow.SavedModel;

/// <summary>SignatureDefs as NServe's <see cref="Signature"/>s: aliases in the model's order, TensorInfo names, dtypes, shapes.</summary>
public static class SignatureSpecs
{
    private const int RefTypeOffset = 100; // DT_FLOAT_REF = DT_FLOAT + 100

    public static Signature ToSignature(SignatureDef definition) => new(
        definition.MethodName,
        definition.Inputs.Select(p => KeyValuePair.Create(p.Key, ToSpec(p.Value))).ToList(),
        definition.Outputs.Select(p => KeyValuePair.Create(p.Key, ToSpec(p.Value))).ToList())
    {
        DefaultedInputs = definition.Defaults.Keys.Where(definition.Inputs.ContainsKey).ToHashSet(StringComparer.Ordinal),
    };

    /// <summary>
    /// The spec of a TensorInfo: its name (<c>x:0</c>; for a sparse tensor, its values tensor), dtype and shape
    /// (-1 for an unknown dimension, null for unknown rank or no shape at all).
    /// </summary>
    public static TensorSpec ToSpec(TensorInfo info)
    {
        var name = info.EncodingCase switch
        {
            TensorInfo.EncodingOneofCase.Name => info.Name,
            TensorInfo.EncodingOneofCase.CooSparse => info.CooSparse.ValuesTensorName,
            _ => "",
        };
        return new TensorSpec(name, ToDataType(info.Dtype), ToShape(info.TensorShape));
    }

    /// <summary>
    /// NServe's type for a TensorFlow dtype. Reference types (<c>DT_FLOAT_REF</c>, a TF1 variable read directly)
    /// hold values of their base type; other types NServe cannot hold keep TensorFlow's number, so metadata
    /// still shows them.
    /// </summary>
    public static TensorDataType ToDataType(DataType dtype)
    {
        var number = (int)dtype;
        return (TensorDataType)(number > RefTypeOffset ? number - RefTypeOffset : number);
    }

    /// <summary>Dimensions with -1 for unknown ones; null for unknown rank or an absent shape.</summary>
    public static long[]? ToShape(TensorShapeProto? shape)
    {
        if (shape is null || shape.UnknownRank)
        {
            return null;
        }

        return shape.Dim.Select(d => d.Size < 0 ? -1L : d.Size).ToArray();
    }
}
