using NServe.Server.Options;

namespace NServe.Server.Tests.Options;

public sealed class FlagSupportTests
{
    [Fact]
    public void Lists_explicitly_set_flags_that_are_not_acted_on_in_command_line_order()
    {
        var result = ServerFlagParser.Parse(
            ["--port=8500", "--prefer_tflite_model", "--model_base_path=/m", "--mixed_precision=bfloat16", "--prefer_tflite_model=false", "--unknown=1"],
            "/work", 2);

        Assert.Equal(["prefer_tflite_model", "mixed_precision"], result.UnactedFlags);
        Assert.Equal(["prefer_tflite_model", "mixed_precision"], FlagSupport.UnactedFlags(result.ExplicitlySetFlags));
    }

    [Fact]
    public void Defaults_alone_produce_no_unacted_flags()
    {
        Assert.Empty(ServerFlagParser.Parse([], "/work", 2).UnactedFlags);
    }

    [Fact]
    public void A_gflags_spelling_counts_as_set()
    {
        Assert.Equal(["flush_filesystem_caches"], ServerFlagParser.Parse(["--noflush_filesystem_caches"], "/work", 2).UnactedFlags);
    }

    [Theory]
    [InlineData("port")]
    [InlineData("grpc_socket_path")]
    [InlineData("rest_api_port")]
    [InlineData("rest_api_num_threads")]
    [InlineData("rest_api_timeout_in_ms")]
    [InlineData("model_name")]
    [InlineData("model_base_path")]
    [InlineData("file_system_poll_wait_seconds")]
    [InlineData("tensorflow_intra_op_parallelism")]
    [InlineData("tensorflow_inter_op_parallelism")]
    [InlineData("enable_serialization_as_tensor_content")]
    [InlineData("version")]
    public void Foundation_flags_are_acted_on(string name)
    {
        Assert.True(FlagSupport.IsActedOn(name));
    }

    [Fact]
    public void Warning_names_the_flag()
    {
        Assert.StartsWith("--prefer_tflite_model ", FlagSupport.UnactedWarning("prefer_tflite_model"));
    }

    [Fact]
    public void A_flag_missing_from_the_table_is_a_programming_error()
    {
        Assert.Throws<ArgumentException>(() => FlagSupport.IsActedOn("no_such_flag"));
    }
}
