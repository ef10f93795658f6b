using NServe.Core.Errors;
using NServe.Core.Tensors;
using NServe.Server.KServe;

namespace NServe.Server.Tests.KServe;

public sealed class KServeDataTypesTests
{
    [Theory]
    [InlineData("BOOL", TensorDataType.Bool)]
    [InlineData("UINT8", TensorDataType.UInt8)]
    [InlineData("UINT16", TensorDataType.UInt16)]
    [InlineData("UINT32", TensorDataType.UInt32)]
    [InlineData("UINT64", TensorDataType.UInt64)]
    [InlineData("INT8", TensorDataType.Int8)]
    [InlineData("INT16", TensorDataType.Int16)]
    [InlineData("INT32", TensorDataType.Int32)]
    [InlineData("INT64", TensorDataType.Int64)]
    [InlineData("FP16", TensorDataType.Half)]
    [InlineData("FP32", TensorDataType.Float)]
    [InlineData("FP64", TensorDataType.Double)]
    [InlineData("BYTES", TensorDataType.String)]
    public void TokensMapBothWays(string token, TensorDataType type)
    {
        Assert.True(KServeDataTypes.TryParse(token, out var parsed));
        Assert.Equal(type, parsed);
        Assert.Equal(token, KServeDataTypes.Name(type));
        Assert.Contains(token, KServeDataTypes.Supported, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryElementTypeNServeHoldsHasAToken()
    {
        foreach (var type in Enum.GetValues<TensorDataType>().Where(TensorDataTypes.IsSupported))
        {
            Assert.True(KServeDataTypes.TryParse(KServeDataTypes.Name(type), out var back));
            Assert.Equal(type, back);
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("fp32")]
    [InlineData("FLOAT")]
    [InlineData("BF16")]
    [InlineData("STRING")]
    public void OtherTokensAreRejected(string token)
    {
        Assert.False(KServeDataTypes.TryParse(token, out _));
        var error = Assert.Throws<ServingException>(() => KServeDataTypes.Parse(token, "in"));
        Assert.Equal(StatusCode.InvalidArgument, error.Code);
        Assert.StartsWith("input 'in': ", error.Message, StringComparison.Ordinal);
    }
}
