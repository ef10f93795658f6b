using System.Reflection;
using Google.Protobuf.Reflection;
using Tensorflow;

namespace NServe.Server.Tools;

/// <summary>TensorInfo fields printed as <c>saved_model_cli show</c> prints them (<c>DT_FLOAT</c>, <c>(-1, 1)</c>, <c>unknown_rank</c>).</summary>
public static class TensorInfoText
{
    /// <summary>TensorFlow's own enum name (<c>DT_FLOAT_REF</c>), which the generated C# name (<c>DtFloatRef</c>) hides.</summary>
    public static string DataTypeName(DataType dtype)
    {
        var name = dtype.ToString();
        return typeof(DataType).GetField(name)?.GetCustomAttribute<OriginalNameAttribute>()?.Name ?? $"DT_{(int)dtype}";
    }

    /// <summary><c>unknown_rank</c>, <c>()</c> for a scalar, <c>(-1, 1)</c>; <c>none</c> when the TensorInfo records no shape.</summary>
    public static string Shape(TensorShapeProto? shape)
    {
        if (shape is null)
        {
            return "none";
        }

        return shape.UnknownRank ? "unknown_rank" : "(" + string.Join(", ", shape.Dim.Select(d => d.Size)) + ")";
    }

    /// <summary>The tensor a TensorInfo names (<c>x:0</c>), or what its composite encoding is made of.</summary>
    public static string Name(TensorInfo info) => info.EncodingCase switch
    {
        TensorInfo.EncodingOneofCase.Name => info.Name,
        TensorInfo.EncodingOneofCase.CooSparse =>
            $"coo_sparse (values {info.CooSparse.ValuesTensorName}, indices {info.CooSparse.IndicesTensorName}, dense_shape {info.CooSparse.DenseShapeTensorName})",
        TensorInfo.EncodingOneofCase.CompositeTensor => "composite tensor",
        _ => "(none)",
    };
}
