namespace NServe.Onnx.Building;

/// <summary>
/// One dimension of a declared ONNX shape: a fixed size, a named symbol (<c>batch</c>), or unknown.
/// Converts implicitly from a number (negative means unknown) and from a symbol name, so shapes read
/// naturally: <c>[-1, 3]</c>, <c>["batch", 3]</c>.
/// </summary>
public readonly record struct OnnxDim
{
    private OnnxDim(long? value, string? symbol)
    {
        Value = value;
        Symbol = symbol;
    }

    /// <summary>The fixed size, when the dimension has one.</summary>
    public long? Value { get; }

    /// <summary>The symbol name, when the dimension is symbolic.</summary>
    public string? Symbol { get; }

    public static OnnxDim Unknown => default;

    public static OnnxDim Fixed(long value)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(value);
        return new OnnxDim(value, null);
    }

    public static OnnxDim Symbolic(string symbol)
    {
        ArgumentException.ThrowIfNullOrEmpty(symbol);
        return new OnnxDim(null, symbol);
    }

    public static implicit operator OnnxDim(long value) => value < 0 ? Unknown : Fixed(value);

    public static implicit operator OnnxDim(string symbol) => Symbolic(symbol);

    public override string ToString() => Value?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? Symbol ?? "?";
}
