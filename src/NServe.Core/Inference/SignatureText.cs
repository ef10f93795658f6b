using System.Text;
using NServe.Core.Servables;
using NServe.Core.Tensors;

namespace NServe.Core.Inference;

/// <summary>
/// A signature in protobuf text format, as TF Serving's errors quote <c>SignatureDef::DebugString()</c>.
/// </summary>
public static class SignatureText
{
    public static string Print(Signature signature)
    {
        ArgumentNullException.ThrowIfNull(signature);
        var text = new StringBuilder();
        AppendMap(text, "inputs", signature.Inputs);
        AppendMap(text, "outputs", signature.Outputs);
        text.Append("method_name: \"").Append(signature.MethodName).Append("\"\n");
        return text.ToString();
    }

    private static void AppendMap(StringBuilder text, string field, IReadOnlyList<KeyValuePair<string, TensorSpec>> entries)
    {
        foreach (var (alias, spec) in entries)
        {
            text.Append(field).Append(" {\n  key: \"").Append(alias).Append("\"\n  value {\n    name: \"").Append(spec.Name)
                .Append("\"\n    dtype: ").Append(TensorDataTypes.TfName(spec.DataType)).Append("\n    tensor_shape {\n");
            if (spec.Shape is null)
            {
                text.Append("      unknown_rank: true\n");
            }
            else
            {
                foreach (var dim in spec.Shape)
                {
                    text.Append("      dim {\n        size: ").Append(dim).Append("\n      }\n");
                }
            }

            text.Append("    }\n  }\n}\n");
        }
    }
}
