using NServe.Server.Options;

namespace NServe.Server.Tests.Options;

public sealed class HelpAndVersionTests
{
    private static readonly string Help = HelpText.Render("nserve", new ServerOptions(3));

    private static string LineOf(string flag) =>
        Help.Split('\n').Single(line => line.StartsWith($"\t--{flag}=", StringComparison.Ordinal));

    [Fact]
    public void Starts_with_tf_style_usage_header()
    {
        Assert.StartsWith("usage: nserve\n", Help);
        Assert.Contains("\nFlags:\n", Help);
    }

    [Theory]
    [MemberData(nameof(DocumentedFlags.Names), MemberType = typeof(DocumentedFlags))]
    public void Lists_every_flag_with_type_and_description(string name)
    {
        var fields = LineOf(name).Split('\t');

        Assert.Equal(4, fields.Length); // "", "--name=default" padded, type, description
        Assert.Equal(DocumentedFlags.Get(name).Type, fields[2]);
        Assert.Equal(ServerFlags.Find(name)!.Description, fields[3].Replace(" " + HelpText.UnactedMarker, ""));
        Assert.True(fields[1].Length >= 33);
    }

    [Fact]
    public void Lists_48_tf_flags()
    {
        var flagLines = Help.Split('\n').Count(line => line.StartsWith("\t--", StringComparison.Ordinal));
        Assert.Equal(ServerFlags.All.Count, flagLines);
        Assert.True(flagLines >= 48);
    }

    [Theory]
    [InlineData("port", "--port=8500")]
    [InlineData("model_name", "--model_name=\"default\"")]
    [InlineData("model_base_path", "--model_base_path=\"\"")]
    [InlineData("rest_api_num_threads", "--rest_api_num_threads=12")]
    [InlineData("num_tflite_pools", "--num_tflite_pools=3")]
    [InlineData("load_retry_interval_micros", "--load_retry_interval_micros=60000000")]
    [InlineData("per_process_gpu_memory_fraction", "--per_process_gpu_memory_fraction=0.000000")]
    [InlineData("enable_model_warmup", "--enable_model_warmup=true")]
    [InlineData("prefer_tflite_model", "--prefer_tflite_model=false")]
    public void Shows_defaults_as_tf_formats_them(string name, string expected)
    {
        Assert.Equal(expected, LineOf(name).Split('\t')[1].TrimEnd());
    }

    [Fact]
    public void Marks_flags_nserve_does_not_act_on()
    {
        Assert.EndsWith(HelpText.UnactedMarker, LineOf("prefer_tflite_model"));
        Assert.DoesNotContain(HelpText.UnactedMarker, LineOf("port"));
    }

    [Fact]
    public void Version_names_nserve_and_tf_compatibility()
    {
        var lines = VersionText.Render().Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(2, lines.Length);
        Assert.Equal($"nserve {VersionText.NServeVersion}", lines[0]);
        // From the assembly's informational version (NServe.Server.csproj <Version>, maybe "+commit").
        Assert.Matches(@"^\d+\.\d+\.\d+", VersionText.NServeVersion);
        Assert.Equal("TensorFlow ModelServer: 2.x compatible", lines[1]);
    }
}
