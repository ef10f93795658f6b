using System.Globalization;
using System.Text;
using NServe.Core.Servables;
using NServe.Core.Tensors;

namespace NServe.Bench.Batching;

/// <summary>
/// The one float input of a model's default signature and the shape of one example (its dimensions after
/// the batch dimension), so the benchmarks can feed any single-input model: the MLP, or a converted CNN.
/// </summary>
internal sealed class ExampleInput
{
    private ExampleInput(string alias, long[] rowShape)
    {
        Alias = alias;
        RowShape = rowShape;
        RowElements = 1;
        foreach (var dim in rowShape)
        {
            RowElements *= (int)dim;
        }
    }

    public string Alias { get; }

    public long[] RowShape { get; }

    public int RowElements { get; }

    /// <summary>The MLP's input: <c>x</c>, examples of <see cref="MlpModel.Inputs"/> floats.</summary>
    public static ExampleInput Mlp { get; } = new("x", [MlpModel.Inputs]);

    public static ExampleInput Of(IServable servable)
    {
        var signature = servable.Signatures.TryGetValue(Signature.DefaultKey, out var found) ? found : servable.Signatures.Values.First();
        if (signature.Inputs.Count != 1)
        {
            throw new InvalidOperationException($"the benchmark feeds models with one input; this one has {signature.Inputs.Count}");
        }

        var (alias, spec) = signature.Inputs[0];
        if (spec.DataType != TensorDataType.Float || spec.Shape is not { Length: >= 1 } shape || shape[1..].Any(d => d < 0))
        {
            throw new InvalidOperationException($"input '{alias}' must be float with a known shape after the batch dimension");
        }

        return new ExampleInput(alias, shape[1..]);
    }

    /// <summary><paramref name="batch"/> examples of fixed values in [0, 1).</summary>
    public float[] Values(int batch)
    {
        var values = new float[batch * RowElements];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = (i % RowElements % 97) / 97f;
        }

        return values;
    }

    public long[] Shape(int batch) => [batch, .. RowShape];

    /// <summary>A one-input dictionary of <paramref name="batch"/> examples; the caller disposes the tensor.</summary>
    public Dictionary<string, Tensor> Inputs(int batch, float[] values) =>
        new(StringComparer.Ordinal) { [Alias] = Tensor.FromValues<float>(TensorDataType.Float, Shape(batch), values) };

    /// <summary>One example as a REST body: <c>{"instances": [example]}</c>, the example nested by its shape.</summary>
    public string RequestBody()
    {
        var values = Values(1);
        var text = new StringBuilder("{\"instances\": [");
        var index = 0;
        AppendNested(text, values, 0, ref index);
        return text.Append("]}").ToString();
    }

    private void AppendNested(StringBuilder text, float[] values, int dimension, ref int index)
    {
        text.Append('[');
        for (var i = 0; i < RowShape[dimension]; i++)
        {
            if (i > 0)
            {
                text.Append(", ");
            }

            if (dimension == RowShape.Length - 1)
            {
                text.Append(values[index++].ToString("0.####", CultureInfo.InvariantCulture));
            }
            else
            {
                AppendNested(text, values, dimension + 1, ref index);
            }
        }

        text.Append(']');
    }
}
