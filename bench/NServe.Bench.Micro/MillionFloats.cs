using System.Globalization;
using System.Text;

namespace NServe.Bench.Micro;

/// <summary>The benchmark payload: one million floats, as a REST body and as values.</summary>
internal static class MillionFloats
{
    public const int Count = 1_000_000;

    /// <summary>Values with a mix of magnitudes and digits, as real model inputs have.</summary>
    public static float[] Values()
    {
        var values = new float[Count];
        var random = new Random(1_000_000);
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = (float)((random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-3, 4)));
        }

        return values;
    }

    /// <summary><c>{"instances": [...]}</c> with each value in its shortest round-trip text, as clients write floats.</summary>
    public static byte[] RowFormatBody(float[] values)
    {
        var text = new StringBuilder(values.Length * 12);
        text.Append("{\"instances\": [");
        for (var i = 0; i < values.Length; i++)
        {
            if (i > 0)
            {
                text.Append(", ");
            }

            text.Append(values[i].ToString("R", CultureInfo.InvariantCulture));
        }

        text.Append("]}");
        return Encoding.UTF8.GetBytes(text.ToString());
    }
}
