using NServe.Server.Options;

namespace NServe.Server.Tests.Options;

public sealed class FlagPathsTests
{
    private static readonly string[] PathFlags =
    [
        "batching_parameters_file", "model_config_file", "model_base_path", "tensorflow_session_config_file",
        "ssl_config_file", "platform_config_file", "monitoring_config_file", "thread_pool_factory_config_file",
    ];

    private static readonly string[] NServePathFlags =
    [
        "rest_api_ssl_config_file", "inference_token_file", "admin_token_file", "model_cache_dir",
    ];

    [Fact]
    public void Exactly_the_file_and_base_path_flags_are_paths()
    {
        Assert.Equal(PathFlags.Concat(NServePathFlags).Order(), ServerFlags.All.Where(f => f.IsPath).Select(f => f.Name).Order());
    }

    [Fact]
    public void Relative_paths_are_resolved_against_the_working_directory()
    {
        var args = PathFlags.Select(name => $"--{name}=conf/{name}").ToArray();

        var result = ServerFlagParser.Parse(args, "/srv/app", 2);

        foreach (var name in PathFlags)
        {
            var row = DocumentedFlags.Get(name);
            Assert.Equal($"/srv/app/conf/{name}", row.Property(result.Options));
        }

        var nserve = ServerFlagParser.Parse(NServePathFlags.Select(name => $"--{name}=conf/{name}").ToArray(), "/srv/app", 2).Options;
        Assert.Equal("/srv/app/conf/rest_api_ssl_config_file", nserve.RestApiSslConfigFile);
        Assert.Equal("/srv/app/conf/inference_token_file", nserve.InferenceTokenFile);
        Assert.Equal("/srv/app/conf/admin_token_file", nserve.AdminTokenFile);
    }

    [Fact]
    public void Dot_segments_are_normalized()
    {
        var result = ServerFlagParser.Parse(["--model_base_path=../models/./half_plus_two"], "/srv/app", 2);

        Assert.Equal("/srv/models/half_plus_two", result.Options.ModelBasePath);
    }

    [Fact]
    public void Default_working_directory_is_the_current_directory()
    {
        var result = ServerFlagParser.Parse(["--model_base_path=examples/half_plus_two"]);

        Assert.Equal(Path.Combine(Environment.CurrentDirectory, "examples", "half_plus_two"), result.Options.ModelBasePath);
    }

    [Theory]
    [InlineData("/models/m")]
    [InlineData("gs://bucket/models/m")]
    [InlineData("s3://bucket/m")]
    [InlineData("file:///models/m")]
    [InlineData("hdfs://namenode:8020/m")]
    [InlineData("")]
    public void Absolute_paths_uris_and_empty_values_are_unchanged(string value)
    {
        var result = ServerFlagParser.Parse([$"--model_base_path={value}"], "/srv/app", 2);

        Assert.Equal(value, result.Options.ModelBasePath);
    }

    [Fact]
    public void Socket_path_and_non_path_strings_are_left_as_given()
    {
        var result = ServerFlagParser.Parse(["--grpc_socket_path=run/s.sock", "--model_name=a/b", "--saved_model_tags=serve,gpu"], "/srv/app", 2);

        Assert.Equal("run/s.sock", result.Options.GrpcSocketPath);
        Assert.Equal("a/b", result.Options.ModelName);
        Assert.Equal("serve,gpu", result.Options.SavedModelTags);
    }

    [Theory]
    [InlineData("gs://b", true)]
    [InlineData("a.b://x", true)]
    [InlineData("s3a://x", true)]
    [InlineData("1gs://x", false)]
    [InlineData("://x", false)]
    [InlineData("my-fs://x", false)]
    [InlineData("models/gs://x", false)]
    [InlineData("models", false)]
    public void Uri_detection_follows_tf_scheme_syntax(string value, bool isUri)
    {
        Assert.Equal(isUri, FlagPaths.IsUri(value));
    }
}
