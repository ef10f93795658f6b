using Google.Protobuf;
using Tensorflow;

namespace NServe.TensorFlow.Tests.Conversion;

/// <summary>NodeDef attributes for hand-built test graphs.</summary>
internal static class Attr
{
    public static (string, AttrValue) Type(string name, DataType type) => (name, new AttrValue { Type = type });

    public static (string, AttrValue) T(DataType type) => Type("T", type);

    public static (string, AttrValue) Int(string name, long value) => (name, new AttrValue { I = value });

    public static (string, AttrValue) Float(string name, float value) => (name, new AttrValue { F = value });

    public static (string, AttrValue) Bool(string name, bool value) => (name, new AttrValue { B = value });

    public static (string, AttrValue) Str(string name, string value) => (name, new AttrValue { S = ByteString.CopyFromUtf8(value) });

    public static (string, AttrValue) Ints(string name, params long[] values)
    {
        var list = new AttrValue.Types.ListValue();
        list.I.AddRange(values);
        return (name, new AttrValue { List = list });
    }

    public static (string, AttrValue) Types(string name, params DataType[] values)
    {
        var list = new AttrValue.Types.ListValue();
        list.Type.AddRange(values);
        return (name, new AttrValue { List = list });
    }

    public static (string, AttrValue) Shapes(string name, params long[][] shapes)
    {
        var list = new AttrValue.Types.ListValue();
        list.Shape.AddRange(shapes.Select(Shape));
        return (name, new AttrValue { List = list });
    }

    public static (string, AttrValue) Func(string name, string function) => (name, new AttrValue { Func = new NameAttrList { Name = function } });

    public static TensorShapeProto Shape(long[]? dims)
    {
        if (dims is null)
        {
            return new TensorShapeProto { UnknownRank = true };
        }

        var shape = new TensorShapeProto();
        shape.Dim.AddRange(dims.Select(d => new TensorShapeProto.Types.Dim { Size = d }));
        return shape;
    }
}
