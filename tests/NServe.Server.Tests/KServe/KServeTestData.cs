using System.Text;
using NServe.Core.Tensors;

namespace NServe.Server.Tests.KServe;

/// <summary>One v2 datatype with three sample elements (its extremes where it has them) as JSON and as a tensor.</summary>
public sealed record DataTypeCase(string Token, TensorDataType Type, string Json, Func<Tensor> Tensor)
{
    public override string ToString() => Token;
}

/// <summary>Sample tensors of every v2 datatype, and helpers to compare tensors.</summary>
internal static class KServeTestData
{
    public static readonly long[] Shape = [3];

    public static IReadOnlyList<DataTypeCase> All { get; } =
    [
        new("BOOL", TensorDataType.Bool, "[true, false, true]", () => Values<byte>(TensorDataType.Bool, 1, 0, 1)),
        new("UINT8", TensorDataType.UInt8, "[0, 255, 7]", () => Values<byte>(TensorDataType.UInt8, 0, 255, 7)),
        new("UINT16", TensorDataType.UInt16, "[0, 65535, 7]", () => Values<ushort>(TensorDataType.UInt16, 0, 65535, 7)),
        new("UINT32", TensorDataType.UInt32, "[0, 4294967295, 7]", () => Values<uint>(TensorDataType.UInt32, 0, uint.MaxValue, 7)),
        new("UINT64", TensorDataType.UInt64, "[0, 18446744073709551615, 7]", () => Values<ulong>(TensorDataType.UInt64, 0, ulong.MaxValue, 7)),
        new("INT8", TensorDataType.Int8, "[-128, 127, 0]", () => Values<sbyte>(TensorDataType.Int8, -128, 127, 0)),
        new("INT16", TensorDataType.Int16, "[-32768, 32767, 0]", () => Values<short>(TensorDataType.Int16, short.MinValue, short.MaxValue, 0)),
        new("INT32", TensorDataType.Int32, "[-2147483648, 2147483647, 0]", () => Values<int>(TensorDataType.Int32, int.MinValue, int.MaxValue, 0)),
        new("INT64", TensorDataType.Int64, "[-9223372036854775808, 9223372036854775807, 0]", () => Values<long>(TensorDataType.Int64, long.MinValue, long.MaxValue, 0)),
        new("FP16", TensorDataType.Half, "[0.5, -2, 65504]", () => Values<Half>(TensorDataType.Half, (Half)0.5, (Half)(-2), Half.MaxValue)),
        new("FP32", TensorDataType.Float, "[1.5, -0.25, 3.4028235E+38]", () => Values<float>(TensorDataType.Float, 1.5f, -0.25f, float.MaxValue)),
        new("FP64", TensorDataType.Double, "[1.5, -0.25, 1.7976931348623157E+308]", () => Values<double>(TensorDataType.Double, 1.5, -0.25, double.MaxValue)),
        new("BYTES", TensorDataType.String, "[\"a\", \"\\u00fc\\u20ac\", \"\"]", () => Texts("a", "ü€", "")),
    ];

    public static IEnumerable<object[]> Cases => All.Select(c => new object[] { c });

    public static Tensor Values<T>(TensorDataType type, params T[] values)
        where T : struct => Tensor.FromValues<T>(type, Shape, values);

    public static Tensor Texts(params string[] values) =>
        Tensor.FromStrings([values.Length], values.Select(v => Encoding.UTF8.GetBytes(v)).ToArray());

    public static void AssertEqual(Tensor expected, Tensor actual)
    {
        Assert.Equal(expected.DataType, actual.DataType);
        Assert.Equal(expected.Shape, actual.Shape);
        if (expected.IsString)
        {
            Assert.Equal(expected.Strings, actual.Strings);
        }
        else
        {
            Assert.Equal(expected.Bytes.ToArray(), actual.Bytes.ToArray());
        }
    }

    /// <summary>A request with one input named x.</summary>
    public static string Request(string token, string shape, string data) =>
        $$"""{"inputs": [{"name": "x", "shape": {{shape}}, "datatype": "{{token}}", "data": {{data}}}]}""";
}
