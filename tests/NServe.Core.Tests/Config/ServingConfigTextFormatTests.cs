using Google.Protobuf.Reflection;
using NServe.Core.Config.TextFormat;
using NServe.Core.Tests.Protos;
using Tensorflow.Serving;
using static Tensorflow.Serving.FileSystemStoragePathSourceConfig.Types;

namespace NServe.Core.Tests.Config;

/// <summary>The config files TF Serving reads, from its own test data and its documentation.</summary>
public sealed class ServingConfigTextFormatTests
{
    [TestDataFact]
    public void GoodModelConfigListsBothModels()
    {
        ModelServerConfig config = TextFormatParser.Parse<ModelServerConfig>(ReadTfServingFile("good_model_config.txt"));

        Assert.Equal(ModelServerConfig.ConfigOneofCase.ModelConfigList, config.ConfigCase);
        Assert.Collection(
            config.ModelConfigList.Config,
            m =>
            {
                Assert.Equal("half_plus_two", m.Name);
                Assert.Equal("${TEST_HALF_PLUS_TWO_DIR}", m.BasePath);
                Assert.Equal("tensorflow", m.ModelPlatform);
                Assert.Null(m.ModelVersionPolicy);
                Assert.Empty(m.VersionLabels);
            },
            m =>
            {
                Assert.Equal("half_plus_three", m.Name);
                Assert.Equal("${TEST_HALF_PLUS_THREE_DIR}", m.BasePath);
                Assert.Equal("tensorflow", m.ModelPlatform);
            });
    }

    [TestDataFact]
    public void BadModelConfigFailsWithLineAndColumn()
    {
        var error = Assert.Throws<TextFormatException>(() => TextFormatParser.Parse<ModelServerConfig>(ReadTfServingFile("bad_model_config.txt")));

        // "improperly formatted file": C++ reports at the token after the unknown name.
        Assert.Equal("1:12: Message type \"tensorflow.serving.ModelServerConfig\" has no field named \"improperly\".", error.Message);
        Assert.Equal((1, 12), (error.Line, error.Column));
        Assert.StartsWith("Error parsing text-format tensorflow.serving.ModelServerConfig: 1:12: ", error.ParseErrorMessage, StringComparison.Ordinal);
    }

    [TestDataFact]
    public void BatchingConfigReadsWrapperValues()
    {
        BatchingParameters parameters = TextFormatParser.Parse<BatchingParameters>(ReadTfServingFile("batching_config.txt"));

        Assert.Equal(128L, parameters.MaxBatchSize);
        Assert.Equal(0L, parameters.BatchTimeoutMicros);
        Assert.Equal(1_000_000L, parameters.MaxEnqueuedBatches);
        Assert.Equal(8L, parameters.NumBatchThreads);
        Assert.Null(parameters.ThreadPoolName);
        Assert.Null(parameters.MaxExecutionBatchSize);
        Assert.Empty(parameters.AllowedBatchSizes);
    }

    [TestDataFact]
    public void MonitoringConfigEnablesPrometheus()
    {
        MonitoringConfig config = TextFormatParser.Parse<MonitoringConfig>(ReadTfServingFile("monitoring_config.txt"));

        Assert.True(config.PrometheusConfig.Enable);
        Assert.Equal("/monitoring/prometheus/metrics", config.PrometheusConfig.Path);
    }

    [Fact]
    public void DocumentedModelsConfigWithPoliciesAndLabels()
    {
        const string Text = """
            model_config_list {
              config { name: 'myserving' base_path: '/models/myserving/' model_platform: 'tensorflow'
                model_version_policy { specific { versions: 1 versions: 2 } }
                version_labels { key: 'stable' value: 1 } version_labels { key: 'canary' value: 2 } }
              config { name: 'model2' base_path: '/models/model2/' model_platform: 'onnx'
                model_version_policy { latest { num_versions: 3 } } }
              config { name: 'model3' base_path: '/models/model3/' model_version_policy { all {} } }
            }
            """;

        ModelConfig[] models = [.. TextFormatParser.Parse<ModelServerConfig>(Text).ModelConfigList.Config];

        Assert.Equal(3, models.Length);
        Assert.Equal([1L, 2L], models[0].ModelVersionPolicy.Specific.Versions);
        Assert.Equal(new Dictionary<string, long> { ["stable"] = 1, ["canary"] = 2 }, models[0].VersionLabels);
        Assert.Equal("onnx", models[1].ModelPlatform);
        Assert.Equal(ServableVersionPolicy.PolicyChoiceOneofCase.Latest, models[1].ModelVersionPolicy.PolicyChoiceCase);
        Assert.Equal(3u, models[1].ModelVersionPolicy.Latest.NumVersions);
        Assert.Equal(ServableVersionPolicy.PolicyChoiceOneofCase.All, models[2].ModelVersionPolicy.PolicyChoiceCase);
    }

    [Fact]
    public void TwoVersionPoliciesAreAnErrorNamingTheOneof()
    {
        var error = Assert.Throws<TextFormatException>(() => TextFormatParser.Parse<ModelServerConfig>(
            "model_config_list { config { model_version_policy { all {} specific { versions: 1 } } } }"));

        Assert.Equal("1:69: Field \"specific\" is specified along with field \"all\", another member of oneof \"policy_choice\".", error.Message);
    }

    [Fact]
    public void SslConfig()
    {
        SSLConfig config = TextFormatParser.Parse<SSLConfig>("""
            server_key: "-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----"
            server_cert: "cert"
            custom_ca: "ca"
            client_verify: true
            """);

        Assert.Equal("-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----", config.ServerKey);
        Assert.Equal("cert", config.ServerCert);
        Assert.Equal("ca", config.CustomCa);
        Assert.True(config.ClientVerify);
    }

    private const string PlatformConfigText = """
        platform_configs {
          key: 'tensorflow'
          value {
            source_adapter_config {
              [type.googleapis.com/tensorflow.serving.SavedModelBundleSourceAdapterConfig] {
                legacy_config {
                  batching_parameters { max_batch_size { value: 32 } allowed_batch_sizes: [8, 16, 32] }
                  saved_model_tags: ["serve", "gpu"]
                }
              }
            }
          }
        }
        """;

    [Fact]
    public void PlatformConfigWithExpandedAnyFromTheRegistry()
    {
        var registry = TypeRegistry.FromMessages(SavedModelBundleSourceAdapterConfig.Descriptor);

        PlatformConfigMap map = TextFormatParser.Parse<PlatformConfigMap>(PlatformConfigText, registry);

        var any = map.PlatformConfigs["tensorflow"].SourceAdapterConfig;
        Assert.Equal("type.googleapis.com/tensorflow.serving.SavedModelBundleSourceAdapterConfig", any.TypeUrl);
        var adapter = any.Unpack<SavedModelBundleSourceAdapterConfig>();
        Assert.Equal(32L, adapter.LegacyConfig.BatchingParameters.MaxBatchSize);
        Assert.Equal([8L, 16L, 32L], adapter.LegacyConfig.BatchingParameters.AllowedBatchSizes);
        Assert.Equal(["serve", "gpu"], adapter.LegacyConfig.SavedModelTags);
    }

    [Fact]
    public void PlatformConfigWithAnAnyTypeOutsideTheRegistryNamesTheType()
    {
        var error = Assert.Throws<TextFormatException>(() => TextFormatParser.Parse<PlatformConfigMap>(PlatformConfigText));

        Assert.Equal(
            "5:84: Could not find type \"type.googleapis.com/tensorflow.serving.SavedModelBundleSourceAdapterConfig\" stored in google.protobuf.Any.",
            error.Message);
    }

    private static string ReadTfServingFile(string name) => File.ReadAllText(ProtoTestData.Path("tfserving", name));
}
