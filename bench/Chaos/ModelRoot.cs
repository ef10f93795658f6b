using System.Globalization;
using System.Text;
using Tensorflow.Serving;

namespace NServe.Bench.Chaos;

/// <summary>
/// The temporary model root: <c>chaos</c> (versions y = 0.5x + v), <c>plain</c> and <c>extra</c> (copies of
/// examples/half_plus_two), <c>three</c> (TF Serving's saved_model_half_plus_three from ../shared/testdata,
/// when present), and the model config file naming them.
/// </summary>
public sealed class ModelRoot
{
    private ModelRoot(string folder, string? savedModel)
    {
        Folder = folder;
        SavedModelPath = savedModel;
    }

    public string Folder { get; }

    public string ChaosPath => Path.Combine(Folder, "chaos");

    public string ConfigPath => Path.Combine(Folder, "models.config");

    public string? SavedModelPath { get; }

    public static ModelRoot Create(string folder, string repositoryRoot)
    {
        Directory.CreateDirectory(folder);
        CopyFolder(Path.Combine(repositoryRoot, "examples", "half_plus_two"), Path.Combine(folder, "plain"));
        CopyFolder(Path.Combine(repositoryRoot, "examples", "half_plus_two"), Path.Combine(folder, "extra"));
        var testData = Path.GetFullPath(Path.Combine(repositoryRoot, "..", "shared", "testdata", "tfserving", "saved_model_half_plus_three"));
        string? saved = null;
        if (Directory.Exists(testData))
        {
            saved = Path.Combine(folder, "three");
            CopyFolder(testData, saved);
        }

        return new ModelRoot(folder, saved);
    }

    public string VersionFolder(long version) => Path.Combine(ChaosPath, version.ToString(CultureInfo.InvariantCulture));

    /// <summary>The config in protobuf text format (what the file holds).</summary>
    public string ConfigText(IReadOnlyDictionary<string, long> labels, bool extra, bool duplicateChaos = false)
    {
        var text = new StringBuilder("model_config_list {\n");
        text.Append(CultureInfo.InvariantCulture, $"  config {{ name: 'chaos' base_path: '{ChaosPath}' model_platform: 'onnx' model_version_policy {{ all {{}} }}");
        foreach (var (label, version) in labels.OrderBy(l => l.Key, StringComparer.Ordinal))
        {
            text.Append(CultureInfo.InvariantCulture, $" version_labels {{ key: '{label}' value: {version} }}");
        }

        text.Append(" }\n");
        if (duplicateChaos)
        {
            text.Append(CultureInfo.InvariantCulture, $"  config {{ name: 'chaos' base_path: '{ChaosPath}' model_platform: 'onnx' }}\n");
        }

        text.Append(CultureInfo.InvariantCulture, $"  config {{ name: 'plain' base_path: '{Path.Combine(Folder, "plain")}' model_platform: 'onnx' }}\n");
        if (SavedModelPath is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $"  config {{ name: 'three' base_path: '{SavedModelPath}' model_platform: 'tensorflow' }}\n");
        }

        if (extra)
        {
            text.Append(CultureInfo.InvariantCulture, $"  config {{ name: 'extra' base_path: '{Path.Combine(Folder, "extra")}' model_platform: 'onnx' }}\n");
        }

        return text.Append("}\n").ToString();
    }

    /// <summary>The same config as a message, for gRPC HandleReloadConfigRequest.</summary>
    public ModelServerConfig ConfigMessage(IReadOnlyDictionary<string, long> labels, bool extra, bool duplicateChaos = false)
    {
        var list = new ModelConfigList();
        var chaos = new ModelConfig
        {
            Name = "chaos",
            BasePath = ChaosPath,
            ModelPlatform = "onnx",
            ModelVersionPolicy = new FileSystemStoragePathSourceConfig.Types.ServableVersionPolicy
            {
                All = new FileSystemStoragePathSourceConfig.Types.ServableVersionPolicy.Types.All(),
            },
        };
        foreach (var (label, version) in labels)
        {
            chaos.VersionLabels.Add(label, version);
        }
        list.Config.Add(chaos);
        if (duplicateChaos)
        {
            list.Config.Add(new ModelConfig { Name = "chaos", BasePath = ChaosPath, ModelPlatform = "onnx" });
        }

        list.Config.Add(new ModelConfig { Name = "plain", BasePath = Path.Combine(Folder, "plain"), ModelPlatform = "onnx" });
        if (SavedModelPath is not null)
        {
            list.Config.Add(new ModelConfig { Name = "three", BasePath = SavedModelPath, ModelPlatform = "tensorflow" });
        }

        if (extra)
        {
            list.Config.Add(new ModelConfig { Name = "extra", BasePath = Path.Combine(Folder, "extra"), ModelPlatform = "onnx" });
        }

        return new ModelServerConfig { ModelConfigList = list };
    }

    /// <summary>Replaces the config file in one rename, so the server never reads half a file.</summary>
    public void WriteConfig(string text)
    {
        var temporary = ConfigPath + ".tmp";
        File.WriteAllText(temporary, text);
        File.Move(temporary, ConfigPath, overwrite: true);
    }

    private static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
