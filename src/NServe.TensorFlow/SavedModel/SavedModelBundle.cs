using NServe.Core.Errors;
using NServe.Core.Servables;
using NServe.Core.Tensors;
using NServe.TensorFlow.Checkpoint;
using NServe.TensorFlow.Graph;
using NServe.TensorFlow.Variables;
using Tensorflow;

namespace NServe.TensorFlow.SavedModel;

/// <summary>
/// A SavedModel opened for serving: the MetaGraphDef chosen by tags (default attributes filled from the op
/// registry), its signatures, asset paths and variables checkpoint, ready to prepare each signature's graph.
/// </summary>
public sealed class SavedModelBundle : IDisposable
{
    private readonly OrderedDictionary<string, NodeDef> _nodes;
    private readonly GraphPreparer _preparer;

    private SavedModelBundle(
        string directory,
        MetaGraphDef metaGraph,
        OrderedDictionary<string, NodeDef> nodes,
        FunctionLibrary library,
        VariableStore variables,
        IReadOnlyDictionary<string, string> assetPaths)
    {
        Directory = directory;
        MetaGraph = metaGraph;
        _nodes = nodes;
        Library = library;
        Variables = variables;
        AssetPaths = assetPaths;
        SignatureDefs = metaGraph.SignatureDef.ToList();
        _preparer = new GraphPreparer(nodes, library, variables, assetPaths);
    }

    public string Directory { get; }

    public MetaGraphDef MetaGraph { get; }

    /// <summary>The SignatureDefs by key, in the model's order.</summary>
    public IReadOnlyList<KeyValuePair<string, SignatureDef>> SignatureDefs { get; }

    /// <summary>The graph's nodes by name (default attributes filled).</summary>
    public IReadOnlyDictionary<string, NodeDef> Nodes => _nodes;

    public FunctionLibrary Library { get; }

    public VariableStore Variables { get; }

    /// <summary>Asset tensors (<c>node:0</c>) and the absolute paths under <c>assets/</c> they stand for.</summary>
    public IReadOnlyDictionary<string, string> AssetPaths { get; }

    /// <summary><c>assets.extra/</c>: files for the serving system, not the graph (warmup requests, configs).</summary>
    public string ExtraAssetsDirectory => Path.Combine(Directory, SavedModelFiles.ExtraAssetsDirectory);

    /// <summary>
    /// Opens the SavedModel in <paramref name="directory"/>, choosing the MetaGraph tagged exactly
    /// <paramref name="tags"/>. Throws <see cref="ServingException"/> (missing or unparsable model, no such tag
    /// set) or <see cref="CheckpointException"/> (variables files missing or corrupt, naming the file).
    /// </summary>
    public static SavedModelBundle Load(string directory, IReadOnlySet<string> tags, OpRegistry? registry = null)
    {
        registry ??= OpRegistry.Default;
        var model = SavedModelReader.Read(directory);
        var metaGraph = MetaGraphSelector.Select(model, tags, directory);
        var graph = metaGraph.GraphDef ?? new GraphDef();

        var library = new FunctionLibrary(graph.Library?.Function ?? [], registry);
        foreach (var function in library.Functions.Values)
        {
            foreach (var node in function.NodeDef)
            {
                registry.FillDefaultAttrs(node);
            }
        }

        var nodes = new OrderedDictionary<string, NodeDef>(StringComparer.Ordinal);
        foreach (var node in graph.Node)
        {
            registry.FillDefaultAttrs(node);
            if (!nodes.TryAdd(node.Name, node))
            {
                throw new ServingException(StatusCode.InvalidArgument, $"SavedModel {directory} has two nodes named '{node.Name}'");
            }
        }

        var prefix = SavedModelFiles.VariablesPrefix(directory);
        var reader = SavedModelFiles.HasVariables(directory) ? TensorBundleReader.Open(prefix) : null;
        try
        {
            var variables = new VariableStore(reader, prefix, FindSlots(nodes, library, metaGraph, reader));
            return new SavedModelBundle(directory, metaGraph, nodes, library, variables, AssetPathsOf(metaGraph, directory));
        }
        catch
        {
            reader?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Checkpoint slots of the graph's variables: as the restore step assigns them, then (TF2) as the object
    /// graphs bind them to the graph's function calls. A restore step NServe cannot follow (an op it does not
    /// know inside the restore function) leaves the object graphs and the variables' own names to go by.
    /// </summary>
    private static Dictionary<string, CheckpointSlot> FindSlots(
        IReadOnlyDictionary<string, NodeDef> nodes, FunctionLibrary library, MetaGraphDef metaGraph, TensorBundleReader? reader)
    {
        Dictionary<string, CheckpointSlot> slots;
        try
        {
            slots = RestoreGraphMapping.Find(nodes, library, metaGraph.SaverDef);
        }
        catch (GraphPreparationException)
        {
            slots = new Dictionary<string, CheckpointSlot>(StringComparer.Ordinal);
        }

        foreach (var (variable, slot) in ObjectGraphMapping.Find(nodes, metaGraph.ObjectGraphDef, reader))
        {
            slots.TryAdd(variable, slot);
        }

        return slots;
    }

    /// <summary>The signatures as NServe shows them (TensorInfo names, dtypes, shapes, method names).</summary>
    public IReadOnlyList<KeyValuePair<string, Signature>> Signatures() =>
        SignatureDefs.Select(p => KeyValuePair.Create(p.Key, SignatureSpecs.ToSignature(p.Value))).ToList();

    /// <summary>
    /// True when <paramref name="definition"/> fetches tensors, as opposed to only running operations (TF2's
    /// <c>__saved_model_init_op</c> "outputs" the NoOp that initialises the model).
    /// </summary>
    public static bool FetchesTensors(SignatureDef definition) =>
        definition.Outputs.Count > 0
        && definition.Outputs.Values.All(o => o.EncodingCase == TensorInfo.EncodingOneofCase.Name && o.Dtype != DataType.DtInvalid);

    /// <summary>The prepared graph of signature <paramref name="key"/>.</summary>
    /// <exception cref="GraphPreparationException">The signature or graph cannot be prepared.</exception>
    /// <exception cref="CheckpointException">A variable it needs cannot be read.</exception>
    public PreparedGraph Prepare(string key)
    {
        if (!MetaGraph.SignatureDef.TryGetValue(key, out var definition))
        {
            throw new GraphPreparationException($"the SavedModel has no signature '{key}'");
        }

        var feeds = definition.Inputs.Select(p => Endpoint(key, p.Key, p.Value, isInput: true)).ToList();
        var fetches = definition.Outputs.Select(p => Endpoint(key, p.Key, p.Value, isInput: false)).ToList();
        return _preparer.Prepare(feeds, fetches);
    }

    public void Dispose() => Variables.Dispose();

    private GraphEndpoint Endpoint(string key, string alias, TensorInfo info, bool isInput)
    {
        if (info.EncodingCase != TensorInfo.EncodingOneofCase.Name)
        {
            throw new GraphPreparationException(
                $"signature '{key}' {(isInput ? "input" : "output")} '{alias}' is a {info.EncodingCase} tensor; NServe serves dense tensors only");
        }

        var name = TensorName.Parse(info.Name);
        if (info.Dtype == DataType.DtInvalid || !info.Name.Contains(':'))
        {
            throw new GraphPreparationException(
                $"signature '{key}' {(isInput ? "input" : "output")} '{alias}' names operation '{info.Name}', not a tensor");
        }

        var dataType = SignatureSpecs.ToDataType(info.Dtype);
        var shape = SignatureSpecs.ToShape(info.TensorShape);
        if (isInput)
        {
            // What the graph consumes, not what the TensorInfo claims: a fed placeholder's own dtype (TF 1.0
            // exports declare a string Example placeholder as DT_FLOAT). TensorFlow's C++ session checks neither
            // the rank nor the dimensions of a fed tensor (declared shapes are hints clients do not always
            // follow: tfjs's uint8_multiply declares [-1] and is fed a scalar), so no shape is enforced.
            shape = null;
            if (_nodes.TryGetValue(name.Node, out var producer) && name.Index == 0 && producer.Op is "Placeholder" or "PlaceholderWithDefault"
                && producer.Attr.TryGetValue("dtype", out var dtype))
            {
                dataType = SignatureSpecs.ToDataType(dtype.Type);
            }
        }

        if (!TensorDataTypes.IsSupported(dataType))
        {
            throw new GraphPreparationException(
                $"signature '{key}' {(isInput ? "input" : "output")} '{alias}' has dtype {(DataType)(int)dataType}, which NServe cannot serve");
        }

        return new GraphEndpoint(alias, name.ToTensorString(), dataType, shape);
    }

    private static Dictionary<string, string> AssetPathsOf(MetaGraphDef metaGraph, string directory)
    {
        var assets = new List<AssetFileDef>(metaGraph.AssetFileDef);
        if (metaGraph.CollectionDef.TryGetValue("saved_model_assets", out var collection) && collection.AnyList is { } anyList)
        {
            // TF1 exports keep AssetFileDefs in a collection instead of the asset_file_def field.
            foreach (var any in anyList.Value)
            {
                if (any.TryUnpack<AssetFileDef>(out var asset))
                {
                    assets.Add(asset);
                }
            }
        }

        var paths = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var asset in assets)
        {
            if (asset.TensorInfo is { EncodingCase: TensorInfo.EncodingOneofCase.Name } info)
            {
                paths[TensorName.Parse(info.Name).ToTensorString()] =
                    Path.GetFullPath(Path.Combine(directory, SavedModelFiles.AssetsDirectory, asset.Filename));
            }
        }

        return paths;
    }
}
