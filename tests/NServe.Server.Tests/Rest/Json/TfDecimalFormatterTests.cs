using System.Text;
using NServe.Server.Rest.Json;

namespace NServe.Server.Tests.Rest.Json;

/// <summary>
/// Float text must match TF Serving's byte for byte. The expected strings come from C's printf (Python's
/// <c>%g</c>) run through TF's rule: <c>%g</c> if it reads back as the same value, else <c>%.9g</c> (float) or
/// <c>%.17g</c> (double), then <c>.0</c> when there is neither a point nor an exponent.
/// </summary>
public class TfDecimalFormatterTests
{
    [Theory]
    [InlineData(9000000.0f, "9e+06")]
    [InlineData(999999.0f, "999999.0")]
    [InlineData(0.5f, "0.5")]
    [InlineData(0.0003000000142492354f, "0.0003")]
    [InlineData(2.9999999242136255e-05f, "3e-05")]
    [InlineData(555557.5f, "555557.5")]
    [InlineData(3.0f, "3.0")]
    [InlineData(0.10000000149011612f, "0.1")]
    [InlineData(0.20000000298023224f, "0.2")]
    [InlineData(0.3333333432674408f, "0.333333343")]
    [InlineData(2.5f, "2.5")]
    [InlineData(3.5f, "3.5")]
    [InlineData(1.0000000116860974e-07f, "1e-07")]
    [InlineData(123456792.0f, "123456792.0")]
    [InlineData(16777216.0f, "16777216.0")]
    [InlineData(1.001953125f, "1.00195312")]
    [InlineData(100000.5f, "100000.5")]
    [InlineData(1234565.0f, "1234565.0")]
    [InlineData(3.4028234663852886e+38f, "3.40282347e+38")]
    [InlineData(1.401298464324817e-45f, "1.4013e-45")]
    [InlineData(1.1754943508222875e-38f, "1.17549435e-38")]
    [InlineData(-2.75f, "-2.75")]
    [InlineData(10000000000.0f, "1e+10")]
    [InlineData(65504.0f, "65504.0")]
    [InlineData(0.33333298563957214f, "0.333333")]
    [InlineData(0.12345670163631439f, "0.123456702")]
    [InlineData(1.0000000200408773e+21f, "1e+21")]
    [InlineData(9.999999747378752e-06f, "1e-05")]
    [InlineData(9.99999901978299e-05f, "9.99999902e-05")]
    [InlineData(1000000.0f, "1e+06")]
    [InlineData(999999.5f, "999999.5")]
    [InlineData(12345.677734375f, "12345.6777")]
    [InlineData(-352.33447265625f, "-352.334473")]
    [InlineData(-6.983016729425736e-35f, "-6.98301673e-35")]
    [InlineData(-855.12744140625f, "-855.127441")]
    [InlineData(71764.0078125f, "71764.0078")]
    [InlineData(165.57601928710938f, "165.576019")]
    [InlineData(8.194081535257275e-14f, "8.19408154e-14")]
    [InlineData(-925.0086669921875f, "-925.008667")]
    [InlineData(-1.327086285975322e-33f, "-1.32708629e-33")]
    [InlineData(-518.6740112304688f, "-518.674")]
    [InlineData(1.0209450831042253e-34f, "1.02094508e-34")]
    [InlineData(653.7042236328125f, "653.704224")]
    [InlineData(-7.523960838043409e-13f, "-7.52396084e-13")]
    [InlineData(261.2518310546875f, "261.251831")]
    [InlineData(1.659938072492711e-34f, "1.65993807e-34")]
    [InlineData(154.20590209960938f, "154.205902")]
    [InlineData(-2.0663905428344037e-13f, "-2.06639054e-13")]
    [InlineData(-906.8346557617188f, "-906.834656")]
    [InlineData(0.0007169368909671903f, "0.000716936891")]
    [InlineData(-161.72190856933594f, "-161.721909")]
    [InlineData(8.137177174916566e+31f, "8.13717717e+31")]
    [InlineData(-383.0363464355469f, "-383.036346")]
    [InlineData(6.3225273014985465e-18f, "6.3225273e-18")]
    [InlineData(-793.8885498046875f, "-793.88855")]
    [InlineData(1.4240878737694608e-17f, "1.42408787e-17")]
    public void Float_matches_tf_serving(float value, string expected) => Assert.Equal(expected, Format(value));

    [Theory]
    [InlineData(0.1, "0.1")]
    [InlineData(0.30000000000000004, "0.30000000000000004")]
    [InlineData(0.3333333333333333, "0.33333333333333331")]
    [InlineData(2.5, "2.5")]
    [InlineData(1e+16, "1e+16")]
    [InlineData(1e+17, "1e+17")]
    [InlineData(123456789012345678.0, "1.2345678901234568e+17")]
    [InlineData(5e-324, "4.94066e-324")]
    [InlineData(1.7976931348623157e+308, "1.7976931348623157e+308")]
    [InlineData(1e-05, "1e-05")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(100000.5, "100000.5")]
    [InlineData(1e+100, "1e+100")]
    [InlineData(-7.25, "-7.25")]
    [InlineData(-2.5520491454853758e+259, "-2.5520491454853758e+259")]
    [InlineData(4.2422153149230723e+276, "4.2422153149230723e+276")]
    [InlineData(-8.807976600675347e-91, "-8.8079766006753467e-91")]
    [InlineData(-7.171009773016435e+241, "-7.1710097730164346e+241")]
    [InlineData(-1.4481538866119426e+20, "-1.4481538866119426e+20")]
    [InlineData(-6.8796268320652e+162, "-6.8796268320651998e+162")]
    [InlineData(-2.7683528811086733e-47, "-2.7683528811086733e-47")]
    [InlineData(5.887589630449823e-52, "5.8875896304498233e-52")]
    public void Double_matches_tf_serving(double value, string expected) => Assert.Equal(expected, Format(value));

    [Fact]
    public void Non_finite_values_and_zeros_are_bare_tokens()
    {
        Assert.Equal("NaN", Format(float.NaN));
        Assert.Equal("Infinity", Format(float.PositiveInfinity));
        Assert.Equal("-Infinity", Format(float.NegativeInfinity));
        Assert.Equal("NaN", Format(double.NaN));
        Assert.Equal("-Infinity", Format(double.NegativeInfinity));
        Assert.Equal("0.0", Format(0f));
        Assert.Equal("-0.0", Format(-0f));
        Assert.Equal("0.0", Format(0d));
        Assert.Equal("-0.0", Format(-0d));
    }

    [Fact]
    public void Half_is_written_as_the_float_it_widens_to()
    {
        // TF Serving refuses half; writing the exact float keeps every value for float readers.
        Assert.Equal("0.0999755859", Format((Half)0.1f));
        Assert.Equal("65504.0", Format(Half.MaxValue));
        Assert.Equal("2.5", Format((Half)2.5f));
        Assert.Equal("-3.0", Format((Half)(-3f)));
        Assert.Equal("5.96046448e-08", Format(Half.Epsilon));
        Assert.Equal("Infinity", Format(Half.PositiveInfinity));
        Assert.Equal("NaN", Format(Half.NaN));
        Assert.Equal("-0.0", Format(Half.NegativeZero));
    }

    [Fact]
    public void Every_random_float_text_reads_back_as_the_same_float()
    {
        var random = new Random(20240601);
        Span<byte> bits = stackalloc byte[4];
        for (var i = 0; i < 20000; i++)
        {
            random.NextBytes(bits);
            var value = BitConverter.ToSingle(bits);
            var text = Format(value);
            if (float.IsNaN(value))
            {
                Assert.Equal("NaN", text);
                continue;
            }

            var parsed = float.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(value, parsed);
            Assert.True(text.Contains('.') || text.Contains('e') || text.Contains("Infinity"), text);
        }
    }

    [Fact]
    public void Random_floats_agree_with_the_literal_tf_algorithm()
    {
        // TF: six significant digits (correctly rounded) if that reads back as the float, else nine.
        var random = new Random(7);
        Span<byte> bits = stackalloc byte[4];
        for (var i = 0; i < 20000; i++)
        {
            random.NextBytes(bits);
            var value = BitConverter.ToSingle(bits);
            if (!float.IsFinite(value) || value == 0)
            {
                continue;
            }

            Assert.Equal(LiteralTf(value), Format(value));
        }
    }

    [Fact]
    public void Floats_in_everyday_ranges_and_near_ties_agree_with_the_literal_tf_algorithm()
    {
        var random = new Random(13);
        var values = new List<float>();
        for (var i = 0; i < 30000; i++)
        {
            values.Add((float)((random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-14, 23))));
            values.Add((float)random.NextDouble());
            values.Add(random.Next(-100000, 100000) / (float)(1 << random.Next(0, 20)));
            values.Add((float)Math.Round(random.NextDouble() * 1000, random.Next(0, 7)));
        }

        foreach (var value in values.Where(v => v != 0))
        {
            Assert.Equal(LiteralTf(value), Format(value));
        }
    }

    private static string LiteralTf(float value)
    {
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        var six = PrintfG(((double)value).ToString("E5", inv), 6);
        var text = float.Parse(six, inv) == value ? six : PrintfG(((double)value).ToString("E8", inv), 9);
        return text.Contains('.') || text.Contains('e') ? text : text + ".0";
    }

    // printf %g layout from .NET's exactly rounded E format ("d.dddddE+xxx").
    private static string PrintfG(string e, int precision)
    {
        var negative = e.StartsWith('-');
        var mantissa = e[(negative ? 1 : 0)..e.IndexOf('E')].Replace(".", "", StringComparison.Ordinal).TrimEnd('0');
        var exponent = int.Parse(e[(e.IndexOf('E') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        string body;
        if (exponent < -4 || exponent >= precision)
        {
            body = mantissa[..1] + (mantissa.Length > 1 ? "." + mantissa[1..] : "") + "e" + (exponent < 0 ? "-" : "+") + Math.Abs(exponent).ToString("00", System.Globalization.CultureInfo.InvariantCulture);
        }
        else if (exponent < 0)
        {
            body = "0." + new string('0', -exponent - 1) + mantissa;
        }
        else
        {
            body = mantissa.Length <= exponent + 1 ? mantissa.PadRight(exponent + 1, '0') : mantissa[..(exponent + 1)] + "." + mantissa[(exponent + 1)..];
        }

        return (negative ? "-" : "") + body;
    }

    private static string Format(float value)
    {
        Span<byte> buffer = stackalloc byte[TfDecimalFormatter.MaxLength];
        return Encoding.ASCII.GetString(buffer[..TfDecimalFormatter.Format(value, buffer)]);
    }

    private static string Format(double value)
    {
        Span<byte> buffer = stackalloc byte[TfDecimalFormatter.MaxLength];
        return Encoding.ASCII.GetString(buffer[..TfDecimalFormatter.Format(value, buffer)]);
    }

    private static string Format(Half value)
    {
        Span<byte> buffer = stackalloc byte[TfDecimalFormatter.MaxLength];
        return Encoding.ASCII.GetString(buffer[..TfDecimalFormatter.Format(value, buffer)]);
    }
}
