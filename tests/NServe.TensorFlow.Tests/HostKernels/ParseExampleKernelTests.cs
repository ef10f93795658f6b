using NServe.Core.Errors;
using NServe.Core.Tensors;
using NServe.TensorFlow.HostKernels;
using static NServe.TensorFlow.Tests.HostKernels.Examples;

namespace NServe.TensorFlow.Tests.HostKernels;

public class ParseExampleKernelTests
{
    [Fact]
    public void ParsesFloatIntAndBytesFeaturesIntoBatchedTensors()
    {
        var kernel = new ParseExampleKernel("pe", [
            new DenseFeature("f", TensorDataType.Float, [2], null),
            new DenseFeature("i", TensorDataType.Int64, [1], null),
            new DenseFeature("s", TensorDataType.String, [], null),
        ]);
        using var serialized = Batch(
            Serialize(("f", Floats(1.5f, -2f)), ("i", Int64s(7)), ("s", Bytes("a"))),
            Serialize(("f", Floats(3f, 4f)), ("i", Int64s(-9_000_000_000)), ("s", Bytes("bc")), ("unused", Floats(0f))));

        var outputs = kernel.Run(serialized);
        try
        {
            Assert.Equal(new long[] { 2, 2 }, outputs[0].Shape);
            Assert.Equal(new[] { 1.5f, -2f, 3f, 4f }, outputs[0].AsSpan<float>().ToArray());
            Assert.Equal(new long[] { 2, 1 }, outputs[1].Shape);
            Assert.Equal(new[] { 7L, -9_000_000_000 }, outputs[1].AsSpan<long>().ToArray());
            Assert.Equal(TensorDataType.String, outputs[2].DataType);
            Assert.Equal(new long[] { 2 }, outputs[2].Shape);
            Assert.Equal(["a", "bc"], outputs[2].Strings.Select(System.Text.Encoding.UTF8.GetString));
        }
        finally
        {
            Dispose(outputs);
        }
    }

    [Fact]
    public void AScalarInputGivesUnbatchedValues()
    {
        var kernel = new ParseExampleKernel("pe", [new DenseFeature("x", TensorDataType.Float, [1], null)]);
        using var serialized = Tensor.FromStrings([], [Serialize(("x", Floats(80f)))]);

        var outputs = kernel.Run(serialized);

        Assert.Equal(new long[] { 1 }, outputs[0].Shape);
        Assert.Equal([80f], outputs[0].AsSpan<float>().ToArray());
        Dispose(outputs);
    }

    [Fact]
    public void AMissingFeatureTakesItsDefault()
    {
        var kernel = new ParseExampleKernel("pe", [
            new DenseFeature("x", TensorDataType.Float, [1], null),
            new DenseFeature("x2", TensorDataType.Float, [2], new[] { 0.25f, 0.5f }),
            new DenseFeature("k", TensorDataType.Int64, [1], new[] { 42L }),
            new DenseFeature("s", TensorDataType.String, [1], new[] { "none"u8.ToArray() }),
        ]);
        using var serialized = Batch(Serialize(("x", Floats(1f))), Serialize(("x", Floats(2f)), ("x2", Floats(9f, 8f)), ("k", Int64s(3))));

        var outputs = kernel.Run(serialized);

        Assert.Equal(new[] { 0.25f, 0.5f, 9f, 8f }, outputs[1].AsSpan<float>().ToArray());
        Assert.Equal(new[] { 42L, 3L }, outputs[2].AsSpan<long>().ToArray());
        Assert.Equal(["none", "none"], outputs[3].Strings.Select(System.Text.Encoding.UTF8.GetString));
        Dispose(outputs);
    }

    [Fact]
    public void AMissingRequiredFeatureIsAnInvalidArgument()
    {
        var kernel = new ParseExampleKernel("pe", [new DenseFeature("x", TensorDataType.Float, [1], null)]);
        using var serialized = Batch(Serialize(("x", Floats(1f))), Serialize(("y", Floats(1f))));

        var error = Assert.Throws<ServingException>(() => kernel.Run(serialized));

        Assert.Equal(StatusCode.InvalidArgument, error.Code);
        Assert.Equal("Name: <unknown>, Feature: x (data type: float) is required but could not be found.", error.Message);
    }

    [Fact]
    public void AValueOfTheWrongLengthIsAnInvalidArgument()
    {
        var kernel = new ParseExampleKernel("pe", [new DenseFeature("x", TensorDataType.Float, [1], null)]);
        using var serialized = Batch(Serialize(("x", Floats(1f))), Serialize(("x", Floats(1f, 2f))));

        var error = Assert.Throws<ServingException>(() => kernel.Run(serialized));

        Assert.Equal(StatusCode.InvalidArgument, error.Code);
        Assert.Equal(
            "Name: <unknown>, Key: x, Index: 1.  Number of float values != expected.  Values size: 2 but output shape: [1]", error.Message);
    }

    [Fact]
    public void AValueOfTheWrongTypeIsAnInvalidArgument()
    {
        var kernel = new ParseExampleKernel("pe", [new DenseFeature("x", TensorDataType.Float, [1], null)]);
        using var serialized = Batch(Serialize(("x", Int64s(1))));

        var error = Assert.Throws<ServingException>(() => kernel.Run(serialized));

        Assert.Equal(StatusCode.InvalidArgument, error.Code);
        Assert.Contains("Data types don't match. Data type: int64 but expected type: float", error.Message);
    }

    [Fact]
    public void BytesThatAreNotAnExampleAreAnInvalidArgument()
    {
        var kernel = new ParseExampleKernel("pe", [new DenseFeature("x", TensorDataType.Float, [1], new[] { 0f })]);
        using var serialized = Batch([0xff, 0xff, 0xff]);

        var error = Assert.Throws<ServingException>(() => kernel.Run(serialized));

        Assert.Equal(StatusCode.InvalidArgument, error.Code);
        Assert.StartsWith("Could not parse example input", error.Message);
    }

    [Fact]
    public void UnpackedValuesAndRepeatedKeysParseAsProtobufDoes()
    {
        // Writers may send repeated numbers unpacked (one field per value); a map key given twice keeps its last value.
        var unpackedFloats = Field(2, [0x0D, .. BitConverter.GetBytes(1.5f), 0x0D, .. BitConverter.GetBytes(2.5f)]);
        var unpackedInts = Field(3, [0x08, 0x07, 0x08, 0x09]);
        byte[] example = [.. Field(1, [.. Entry("x", Field(2, [0x0A, 0x04, .. BitConverter.GetBytes(9f)])),
            .. Entry("x", unpackedFloats), .. Entry("k", unpackedInts)])];
        var kernel = new ParseExampleKernel("pe", [
            new DenseFeature("x", TensorDataType.Float, [2], null),
            new DenseFeature("k", TensorDataType.Int64, [2], null),
        ]);
        using var serialized = Batch(example);

        var outputs = kernel.Run(serialized);

        Assert.Equal(new[] { 1.5f, 2.5f }, outputs[0].AsSpan<float>().ToArray());
        Assert.Equal(new[] { 7L, 9L }, outputs[1].AsSpan<long>().ToArray());
        Dispose(outputs);
    }

    [Fact]
    public void ATruncatedExampleIsAnInvalidArgument()
    {
        var kernel = new ParseExampleKernel("pe", [new DenseFeature("x", TensorDataType.Float, [1], null)]);
        var whole = Serialize(("x", Floats(1f)));
        using var serialized = Batch(whole[..^2]);

        var error = Assert.Throws<ServingException>(() => kernel.Run(serialized));

        Assert.StartsWith("Could not parse example input", error.Message);
    }

    [Fact]
    public void NonStringOrMatrixInputsAreRejected()
    {
        var kernel = new ParseExampleKernel("pe", [new DenseFeature("x", TensorDataType.Float, [1], new[] { 0f })]);
        using var floats = Tensor.FromValues(TensorDataType.Float, [1], [1f]);
        using var matrix = Tensor.FromStrings([1, 1], [Serialize()]);

        Assert.Equal(StatusCode.InvalidArgument, Assert.Throws<ServingException>(() => kernel.Run(floats)).Code);
        Assert.Equal("Expected serialized to be a scalar or vector, got shape: [1,1]", Assert.Throws<ServingException>(() => kernel.Run(matrix)).Message);
    }

    [Fact]
    public void ADefaultOfTheWrongSizeIsRejectedAtConstruction()
    {
        var error = Assert.Throws<ArgumentException>(() => new ParseExampleKernel("pe", [new DenseFeature("x", TensorDataType.Float, [2], new[] { 0f })]));

        Assert.Contains("'x'", error.Message);
    }

    /// <summary>A length-delimited field (lengths here stay under 128 bytes).</summary>
    private static byte[] Field(int number, byte[] value) => [(byte)((number << 3) | 2), (byte)value.Length, .. value];

    /// <summary>A Features.feature map entry.</summary>
    private static byte[] Entry(string key, byte[] feature) => Field(1, [.. Field(1, System.Text.Encoding.UTF8.GetBytes(key)), .. Field(2, feature)]);

    private static void Dispose(Tensor[] tensors)
    {
        foreach (var tensor in tensors)
        {
            tensor.Dispose();
        }
    }
}
