using System.Text;
using NServe.Core.Tensors;
using Tensorflow;

namespace NServe.TensorFlow.Conversion;

/// <summary>
/// Typed reads of NodeDef attributes. Every read names the op's default, because graphs saved with
/// <c>stripped_default_attrs</c> (and function bodies, which graph preparation does not touch) omit
/// attributes equal to their defaults.
/// </summary>
internal static class NodeAttributes
{
    public static bool Has(this NodeDef node, string name) => node.Attr.ContainsKey(name);

    public static long GetInt(this NodeDef node, string name, long defaultValue)
        => node.Attr.TryGetValue(name, out var value) ? value.I : defaultValue;

    public static float GetFloat(this NodeDef node, string name, float defaultValue)
        => node.Attr.TryGetValue(name, out var value) ? value.F : defaultValue;

    public static bool GetBool(this NodeDef node, string name, bool defaultValue)
        => node.Attr.TryGetValue(name, out var value) ? value.B : defaultValue;

    public static string GetString(this NodeDef node, string name, string defaultValue)
        => node.Attr.TryGetValue(name, out var value) ? value.S.ToStringUtf8() : defaultValue;

    public static byte[] GetBytes(this NodeDef node, string name, byte[] defaultValue)
        => node.Attr.TryGetValue(name, out var value) ? value.S.ToByteArray() : defaultValue;

    /// <summary>A type attribute; reference types (TF1 <c>DT_FLOAT_REF</c>) read as their value type.</summary>
    public static TensorDataType GetType(this NodeDef node, string name, TensorDataType defaultValue)
        => node.Attr.TryGetValue(name, out var value) ? ToDataType(value.Type) : defaultValue;

    /// <summary>A type attribute the op has no default for.</summary>
    public static TensorDataType GetType(this NodeDef node, string name)
        => node.Attr.TryGetValue(name, out var value)
            ? ToDataType(value.Type)
            : throw new ConversionException($"attribute '{name}' is missing");

    public static long[] GetInts(this NodeDef node, string name, long[] defaultValue)
        => node.Attr.TryGetValue(name, out var value) && value.List is { } list ? list.I.ToArray() : defaultValue;

    public static TensorDataType[] GetTypes(this NodeDef node, string name)
        => node.Attr.TryGetValue(name, out var value) && value.List is { } list
            ? list.Type.Select(ToDataType).ToArray()
            : [];

    public static string[] GetStrings(this NodeDef node, string name)
        => node.Attr.TryGetValue(name, out var value) && value.List is { } list
            ? list.S.Select(s => Encoding.UTF8.GetString(s.Span)).ToArray()
            : [];

    public static TensorShapeProto? GetShape(this NodeDef node, string name)
        => node.Attr.TryGetValue(name, out var value) && value.ValueCase == AttrValue.ValueOneofCase.Shape ? value.Shape : null;

    public static Tensorflow.TensorProto? GetTensor(this NodeDef node, string name)
        => node.Attr.TryGetValue(name, out var value) && value.ValueCase == AttrValue.ValueOneofCase.Tensor ? value.Tensor : null;

    public static string? GetFunctionName(this NodeDef node, string name)
        => node.Attr.TryGetValue(name, out var value) && value.ValueCase == AttrValue.ValueOneofCase.Func ? value.Func.Name : null;

    /// <summary>
    /// The shapes TensorFlow recorded for the node's outputs (TF1 exports and function bodies carry
    /// <c>_output_shapes</c>); null where unknown.
    /// </summary>
    public static long[]? RecordedOutputShape(this NodeDef node, int output)
    {
        if (!node.Attr.TryGetValue("_output_shapes", out var value) || value.List is not { } list || output >= list.Shape.Count)
        {
            return null;
        }

        return ToDims(list.Shape[output]);
    }

    /// <summary>Dims of a shape proto: -1 for unknown dimensions, null for unknown rank.</summary>
    public static long[]? ToDims(TensorShapeProto? shape)
    {
        if (shape is null || shape.UnknownRank)
        {
            return null;
        }

        return shape.Dim.Select(d => d.Size < 0 ? -1 : d.Size).ToArray();
    }

    public static TensorDataType ToDataType(DataType type)
    {
        var number = (int)type;
        return (TensorDataType)(number > 100 ? number - 100 : number);
    }
}
