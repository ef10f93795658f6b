using NServe.Onnx.Building;
using OnnxDataType = Onnx.TensorProto.Types.DataType;

namespace NServe.Server.Tests.KServe;

/// <summary>
/// An ONNX model that passes one tensor of every v2 datatype through: input <c>x_TOKEN</c> of shape
/// [-1] is returned as output <c>y_TOKEN</c> (ONNX Identity), so each datatype makes a full trip.
/// </summary>
internal static class IdentityModels
{
    public static readonly (string Token, OnnxDataType Type)[] Types =
    [
        ("BOOL", OnnxDataType.Bool), ("UINT8", OnnxDataType.Uint8), ("UINT16", OnnxDataType.Uint16),
        ("UINT32", OnnxDataType.Uint32), ("UINT64", OnnxDataType.Uint64), ("INT8", OnnxDataType.Int8),
        ("INT16", OnnxDataType.Int16), ("INT32", OnnxDataType.Int32), ("INT64", OnnxDataType.Int64),
        ("FP16", OnnxDataType.Float16), ("FP32", OnnxDataType.Float), ("FP64", OnnxDataType.Double),
        ("BYTES", OnnxDataType.String),
    ];

    public static byte[] EveryDatatype()
    {
        var model = new OnnxModelBuilder();
        foreach (var (token, type) in Types)
        {
            model.Graph.AddInput("x_" + token, type, [OnnxDim.Symbolic("n")]);
            model.Graph.AddNode("Identity", ["x_" + token], ["y_" + token]);
            model.Graph.AddOutput("y_" + token, type, [OnnxDim.Symbolic("n")]);
        }

        return model.Serialize();
    }

    /// <summary>Writes the model as version <paramref name="version"/> under <paramref name="basePath"/>.</summary>
    public static void Write(string basePath, long version)
    {
        var folder = Path.Combine(basePath, version.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Directory.CreateDirectory(folder);
        File.WriteAllBytes(Path.Combine(folder, "model.onnx"), EveryDatatype());
    }
}
