using NServe.Core.Servables;
using NServe.Core.Tensors;

namespace NServe.Onnx.Tests;

/// <summary>Short ways to call a servable's default signature in tests.</summary>
internal static class ServableRunner
{
    public static Task<IReadOnlyDictionary<string, Tensor>> Predict(
        this IServable servable,
        IReadOnlyDictionary<string, Tensor> inputs,
        IReadOnlyCollection<string>? outputFilter = null,
        CancellationToken cancellationToken = default)
        => servable.RunAsync(Signature.DefaultKey, inputs, outputFilter, cancellationToken).AsTask();

    public static Tensor Floats(long[] shape, params float[] values) => Tensor.FromValues<float>(TensorDataType.Float, shape, values);

    public static Tensor Ints(long[] shape, params int[] values) => Tensor.FromValues<int>(TensorDataType.Int32, shape, values);

    public static Tensor Longs(long[] shape, params long[] values) => Tensor.FromValues<long>(TensorDataType.Int64, shape, values);
}
