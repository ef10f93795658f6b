using System.Globalization;
using NServe.Core.Tensors;

namespace NServe.TensorFlow.Tests.Conversion;

/// <summary>A small tensor for converter tests: dtype, shape, and the values flat (numbers as doubles, or strings).</summary>
internal sealed record TestTensor(TensorDataType Type, long[] Shape, double[] Numbers, string[]? Strings = null)
{
    public long Count => Shape.Aggregate(1L, (a, b) => a * b);

    public static TestTensor Float(long[] shape, params float[] values) => Make(TensorDataType.Float, shape, values.Select(v => (double)v));

    public static TestTensor Double(long[] shape, params double[] values) => Make(TensorDataType.Double, shape, values);

    public static TestTensor Int32(long[] shape, params int[] values) => Make(TensorDataType.Int32, shape, values.Select(v => (double)v));

    public static TestTensor Int64(long[] shape, params long[] values) => Make(TensorDataType.Int64, shape, values.Select(v => (double)v));

    public static TestTensor Bool(long[] shape, params bool[] values) => Make(TensorDataType.Bool, shape, values.Select(v => v ? 1.0 : 0.0));

    public static TestTensor UInt8(long[] shape, params byte[] values) => Make(TensorDataType.UInt8, shape, values.Select(v => (double)v));

    public static TestTensor Text(long[] shape, params string[] values)
    {
        var tensor = new TestTensor(TensorDataType.String, shape, [], values);
        return tensor.Count == values.Length ? tensor : throw new ArgumentException("values do not fill the shape");
    }

    /// <summary>Deterministic pseudo-random floats in [low, high).</summary>
    public static TestTensor RandomFloat(long[] shape, int seed, float low = -1, float high = 1)
    {
        var random = new Random(seed);
        var count = shape.Aggregate(1L, (a, b) => a * b);
        return Float(shape, Enumerable.Range(0, (int)count).Select(_ => low + ((float)random.NextDouble() * (high - low))).ToArray());
    }

    private static TestTensor Make(TensorDataType type, long[] shape, IEnumerable<double> values)
    {
        var tensor = new TestTensor(type, shape, values.ToArray());
        return tensor.Count == tensor.Numbers.Length ? tensor : throw new ArgumentException($"{tensor.Numbers.Length} values do not fill [{string.Join(",", shape)}]");
    }

    public override string ToString()
        => $"{Type} [{string.Join(",", Shape)}] {{{(Strings is null ? string.Join(", ", Numbers.Select(n => n.ToString("G6", CultureInfo.InvariantCulture))) : string.Join(", ", Strings))}}}";
}
