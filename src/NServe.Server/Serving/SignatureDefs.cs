using NServe.Core.Servables;
using NServe.Core.Tensors;
using Tensorflow;

namespace NServe.Server.Serving;

/// <summary>Turns NServe's signatures into TensorFlow's SignatureDef protos for metadata responses.</summary>
public static class SignatureDefs
{
    public static Tensorflow.Serving.SignatureDefMap ToSignatureDefMap(IServable servable)
    {
        var map = new Tensorflow.Serving.SignatureDefMap();
        foreach (var (key, signature) in servable.Signatures)
        {
            map.SignatureDef.Add(key, ToSignatureDef(signature));
        }

        return map;
    }

    public static SignatureDef ToSignatureDef(Signature signature)
    {
        var def = new SignatureDef { MethodName = signature.MethodName };
        foreach (var (alias, spec) in signature.Inputs)
        {
            def.Inputs.Add(alias, ToTensorInfo(spec));
        }

        foreach (var (alias, spec) in signature.Outputs)
        {
            def.Outputs.Add(alias, ToTensorInfo(spec));
        }

        return def;
    }

    public static TensorInfo ToTensorInfo(TensorSpec spec)
    {
        var shape = new TensorShapeProto();
        if (spec.Shape is null)
        {
            shape.UnknownRank = true;
        }
        else
        {
            foreach (var dim in spec.Shape)
            {
                shape.Dim.Add(new TensorShapeProto.Types.Dim { Size = dim });
            }
        }

        return new TensorInfo { Name = spec.Name, Dtype = (DataType)(int)spec.DataType, TensorShape = shape };
    }

    /// <summary>TF's DT_ name for an element type, for error messages.</summary>
    public static string Name(TensorDataType type) => TensorDataTypes.TfName(type);
}
