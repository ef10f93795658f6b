using Google.Protobuf;
using Onnx;

namespace NServe.Onnx.Building;

/// <summary>
/// Builds an ONNX model: one main graph (<see cref="Graph"/>), the operator sets it imports, producer
/// and metadata. <see cref="Serialize"/> gives the bytes of a <c>model.onnx</c>.
/// </summary>
public sealed class OnnxModelBuilder
{
    /// <summary>IR 8 (ONNX 1.10): read by every ONNX Runtime release of the last years.</summary>
    public const long DefaultIrVersion = 8;

    /// <summary>Default-domain opset imported when none is chosen.</summary>
    public const long DefaultOpsetVersion = 17;

    private readonly Dictionary<string, long> _opsets = new(StringComparer.Ordinal);
    private readonly List<KeyValuePair<string, string>> _metadata = [];

    public OnnxModelBuilder(string graphName = "main")
    {
        Graph = new OnnxGraphBuilder(graphName);
    }

    public OnnxGraphBuilder Graph { get; }

    public long IrVersion { get; set; } = DefaultIrVersion;

    public string ProducerName { get; set; } = "NServe";

    public string ProducerVersion { get; set; } = "";

    public string DocString { get; set; } = "";

    /// <summary>Imports <paramref name="domain"/> (empty: the default ONNX domain) at <paramref name="version"/>.</summary>
    public OnnxModelBuilder ImportOpset(long version, string domain = "")
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(version);
        _opsets[domain] = version;
        return this;
    }

    /// <summary>Adds a <c>metadata_props</c> entry (ORT shows these as custom metadata).</summary>
    public OnnxModelBuilder AddMetadata(string key, string value)
    {
        if (_metadata.Any(p => p.Key == key))
        {
            throw new InvalidOperationException($"metadata key '{key}' is already set");
        }

        _metadata.Add(new(key, value));
        return this;
    }

    public ModelProto Build()
    {
        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = ProducerName,
            Graph = Graph.Build(),
        };
        if (ProducerVersion.Length > 0)
        {
            model.ProducerVersion = ProducerVersion;
        }

        if (DocString.Length > 0)
        {
            model.DocString = DocString;
        }

        if (!_opsets.ContainsKey(""))
        {
            model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = DefaultOpsetVersion });
        }

        foreach (var (domain, version) in _opsets)
        {
            model.OpsetImport.Add(new OperatorSetIdProto { Domain = domain, Version = version });
        }

        foreach (var (key, value) in _metadata)
        {
            model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        }

        return model;
    }

    public byte[] Serialize() => Build().ToByteArray();

    /// <summary>Writes the model to <paramref name="path"/>, creating its folder.</summary>
    public void Save(string path)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null)
        {
            Directory.CreateDirectory(folder);
        }

        File.WriteAllBytes(path, Serialize());
    }
}
