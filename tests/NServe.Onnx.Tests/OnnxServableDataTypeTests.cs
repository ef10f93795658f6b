using NServe.Core.Servables;
using NServe.Core.Tensors;

namespace NServe.Onnx.Tests;

public sealed class OnnxServableDataTypeTests
{
    public static TheoryData<TensorDataType> NumericTypes() =>
    [
        TensorDataType.Float, TensorDataType.Double, TensorDataType.Int32, TensorDataType.UInt8,
        TensorDataType.Int16, TensorDataType.Int8, TensorDataType.Int64, TensorDataType.Bool,
        TensorDataType.UInt16, TensorDataType.Half, TensorDataType.UInt32, TensorDataType.UInt64,
    ];

    [Theory]
    [MemberData(nameof(NumericTypes))]
    public async Task EveryNumericTypeIsMappedAndPassesThroughUnchanged(TensorDataType dataType)
    {
        using var servable = OnnxServable.FromBytes(new("identity", 1), TestModels.Identity(dataType), OnnxRuntimeOptions.Default);
        var signature = servable.Signatures[Signature.DefaultKey];
        Assert.Equal(dataType, signature.InputsByAlias["input"].DataType);
        Assert.Equal(dataType, signature.OutputsByAlias["output"].DataType);
        Assert.Equal([-1L, 2], signature.InputsByAlias["input"].Shape!);

        var input = Tensor.Allocate(dataType, [3, 2]);
        var bytes = input.Bytes.Span;
        for (var i = 0; i < bytes.Length; i++)
        {
            // Bools must stay 0/1; other types take any bit pattern (small ones keep floats finite).
            bytes[i] = dataType == TensorDataType.Bool ? (byte)(i % 2) : (byte)((i * 7) % 61);
        }

        var expected = bytes.ToArray();
        var outputs = await servable.Predict(new Dictionary<string, Tensor> { ["input"] = input });
        input.Dispose();

        using var output = outputs["output"];
        Assert.Equal(dataType, output.DataType);
        Assert.Equal([3L, 2], output.Shape);
        Assert.Equal(expected, output.Bytes.ToArray());
    }

    [Fact]
    public async Task StringsPassThroughAsBytes()
    {
        using var servable = OnnxServable.FromBytes(new("identity", 1), TestModels.Identity(TensorDataType.String), OnnxRuntimeOptions.Default);
        Assert.Equal(TensorDataType.String, servable.Signatures[Signature.DefaultKey].InputsByAlias["input"].DataType);

        byte[][] values = ["héllo"u8.ToArray(), [], [0xff, 0xfe, 0x01], "a"u8.ToArray(), "b"u8.ToArray(), "longer text"u8.ToArray()];
        using var input = Tensor.FromStrings([3, 2], values);
        var outputs = await servable.Predict(new Dictionary<string, Tensor> { ["input"] = input });

        using var output = outputs["output"];
        Assert.Equal(TensorDataType.String, output.DataType);
        Assert.Equal([3L, 2], output.Shape);
        Assert.Equal(values, output.Strings);
    }
}
