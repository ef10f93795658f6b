using System.Runtime.InteropServices;
using Google.Protobuf;
using NServe.Core.Errors;
using NServe.Core.Tensors;
using NServe.Server.KServe;
using V2 = global::Inference;

namespace NServe.Server.Tests.KServe;

public sealed class GrpcTensorContentsTests
{
    [Theory]
    [MemberData(nameof(KServeTestData.Cases), MemberType = typeof(KServeTestData))]
    public void EveryDatatypeRoundTripsThroughTypedContents(DataTypeCase c)
    {
        using var expected = c.Tensor();
        if (!GrpcTensorContents.HasTypedField(c.Type))
        {
            var error = Assert.Throws<ServingException>(() => GrpcTensorContents.ToTensor("x", c.Type, [3], new V2.InferTensorContents()));
            Assert.Contains("FP16 has no typed contents field; send it in raw_input_contents", error.Message, StringComparison.Ordinal);
            return;
        }

        // Through the wire format, so the field numbers matter too.
        var contents = V2.InferTensorContents.Parser.ParseFrom(GrpcTensorContents.FromTensor(expected).ToByteArray());
        using var decoded = GrpcTensorContents.ToTensor("x", c.Type, [3], contents);
        KServeTestData.AssertEqual(expected, decoded);
    }

    [Theory]
    [MemberData(nameof(KServeTestData.Cases), MemberType = typeof(KServeTestData))]
    public void EveryDatatypeRoundTripsThroughRawContents(DataTypeCase c)
    {
        using var expected = c.Tensor();
        var raw = ByteString.CopyFrom(KServeJsonRequestReaderTests.Encode(expected));
        using var decoded = KServeRawTensor.Borrow("x", c.Type, [3], raw.Memory);
        KServeTestData.AssertEqual(expected, decoded);
    }

    [Fact]
    public void AlignedRawNumbersAreUsedInPlace()
    {
        var raw = ByteString.CopyFrom(new byte[16]);
        using var tensor = KServeRawTensor.Borrow("x", TensorDataType.Double, [2], raw.Memory);
        Assert.True(MemoryMarshal.TryGetArray<byte>(raw.Memory, out var message));
        Assert.True(MemoryMarshal.TryGetArray<byte>(tensor.Bytes, out var used));
        Assert.Same(message.Array, used.Array);
    }

    [Fact]
    public void MisalignedRawNumbersAreCopied()
    {
        var backing = new byte[17];
        BitConverter.TryWriteBytes(backing.AsSpan(1), 2.5);
        BitConverter.TryWriteBytes(backing.AsSpan(9), -1.0);
        using var tensor = KServeRawTensor.Borrow("x", TensorDataType.Double, [2], backing.AsMemory(1));
        Assert.Equal([2.5, -1.0], tensor.AsSpan<double>().ToArray());
        Assert.True(MemoryMarshal.TryGetArray<byte>(tensor.Bytes, out var used));
        Assert.NotSame(backing, used.Array);
    }

    [Theory]
    [InlineData("INT8", 128)]
    [InlineData("INT8", -129)]
    [InlineData("INT16", 32768)]
    public void NarrowSignedValuesOutOfRangeAreBadRequests(string token, int value)
    {
        var contents = new V2.InferTensorContents { IntContents = { value } };
        var error = Assert.Throws<ServingException>(() => GrpcTensorContents.ToTensor("x", Parse(token), [1], contents));
        Assert.Contains($"element 0 ({value}) is out of range for {token}", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("UINT8", 256u)]
    [InlineData("UINT16", 65536u)]
    public void NarrowUnsignedValuesOutOfRangeAreBadRequests(string token, uint value)
    {
        var contents = new V2.InferTensorContents { UintContents = { value } };
        var error = Assert.Throws<ServingException>(() => GrpcTensorContents.ToTensor("x", Parse(token), [1], contents));
        Assert.Contains($"is out of range for {token}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ElementCountMustMatchTheShape()
    {
        var contents = new V2.InferTensorContents { Fp32Contents = { 1f, 2f, 3f } };
        var error = Assert.Throws<ServingException>(() => GrpcTensorContents.ToTensor("x", TensorDataType.Float, [2, 2], contents));
        Assert.Contains("input 'x': shape [2,2] needs 4 elements, but fp32_contents holds 3", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ElementsInAFieldTheDatatypeDoesNotUseAreRefused()
    {
        var contents = new V2.InferTensorContents { Fp32Contents = { 1f }, Fp64Contents = { 1.0 } };
        var error = Assert.Throws<ServingException>(() => GrpcTensorContents.ToTensor("x", TensorDataType.Float, [1], contents));
        Assert.Contains("input 'x' is FP32 but carries fp64_contents", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RawInputsNeedOneEntryPerInput()
    {
        var request = InferRequest(raw: true);
        request.RawInputContents.Add(ByteString.CopyFrom(new byte[4]));
        var error = Assert.Throws<ServingException>(() => GrpcInferenceServiceImpl.Decode(request).Dispose());
        Assert.Contains("raw_input_contents has 2 entries for 1 inputs", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RawAndTypedContentsCannotBeMixed()
    {
        var request = InferRequest(raw: true);
        request.Inputs[0].Contents = new V2.InferTensorContents { Fp32Contents = { 1f } };
        var error = Assert.Throws<ServingException>(() => GrpcInferenceServiceImpl.Decode(request).Dispose());
        Assert.Contains("input 'x' has contents, but the request uses raw_input_contents", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RawInputsOfTheWrongSizeAreBadRequests()
    {
        var request = InferRequest(raw: false);
        request.RawInputContents.Add(ByteString.CopyFrom(new byte[6]));
        var error = Assert.Throws<ServingException>(() => GrpcInferenceServiceImpl.Decode(request).Dispose());
        Assert.Contains("input 'x': shape [1] of FP32 needs 4 bytes of data, got 6", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DecodeReadsTheSignatureParameterAndRequestedOutputs()
    {
        var request = InferRequest(raw: true);
        request.Id = "abc";
        request.Parameters.Add("signature_name", new V2.InferParameter { StringParam = "sig" });
        request.Outputs.Add(new V2.ModelInferRequest.Types.InferRequestedOutputTensor { Name = "y" });
        using var decoded = GrpcInferenceServiceImpl.Decode(request);
        Assert.Equal("abc", decoded.Id);
        Assert.Equal("sig", decoded.SignatureName);
        Assert.Equal([new KServeRequestedOutput("y", null)], decoded.Outputs);
        Assert.Equal(0.5f, decoded.Inputs[0].Value.AsSpan<float>()[0]);
    }

    [Fact]
    public void ASignatureParameterThatIsNotAStringIsABadRequest()
    {
        var request = InferRequest(raw: true);
        request.Parameters.Add("signature_name", new V2.InferParameter { Int64Param = 1 });
        var error = Assert.Throws<ServingException>(() => GrpcInferenceServiceImpl.Decode(request).Dispose());
        Assert.Contains("'signature_name' must be a string_param", error.Message, StringComparison.Ordinal);
    }

    private static V2.ModelInferRequest InferRequest(bool raw)
    {
        var request = new V2.ModelInferRequest { ModelName = "m" };
        var input = new V2.ModelInferRequest.Types.InferInputTensor { Name = "x", Datatype = "FP32", Shape = { 1 } };
        request.Inputs.Add(input);
        if (raw)
        {
            request.RawInputContents.Add(ByteString.CopyFrom(BitConverter.GetBytes(0.5f)));
        }

        return request;
    }

    private static TensorDataType Parse(string token) => KServeDataTypes.TryParse(token, out var type) ? type : throw new ArgumentException(token);
}
