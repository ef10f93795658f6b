using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using NServe.Core.Errors;
using NServe.Core.Servables;
using NServe.Core.Tensors;
using NServe.Onnx;
using NServe.TensorFlow.Checkpoint;
using NServe.TensorFlow.Conversion;
using NServe.TensorFlow.Graph;
using NServe.TensorFlow.HostKernels;
using NServe.TensorFlow.SavedModel;
using NServe.TensorFlow.Sharing;
using NServe.TensorFlow.State;
using Google.Protobuf;
using Tensorflow;

namespace NServe.TensorFlow;

/// <summary>
/// Loads a SavedModel version folder (platform <c>tensorflow</c>): reads the MetaGraph chosen by
/// <c>--saved_model_tags</c>, prepares and converts every signature that computes tensors to ONNX, and creates
/// one ORT session per signature, all before the version is served. As TensorFlow Serving loads the whole
/// graph, one signature that cannot be converted fails the whole version, with a message naming every
/// unconvertible op type and one node of each.
/// </summary>
public sealed class TensorFlowLoader : IServableLoader
{
    private readonly OnnxRuntimeOptions _runtime;
    private readonly IReadOnlySet<string> _tags;

    /// <param name="runtime">How ORT sessions run.</param>
    /// <param name="savedModelTags"><c>--saved_model_tags</c>: comma-separated, matched as a set; empty selects the untagged MetaGraph.</param>
    public TensorFlowLoader(OnnxRuntimeOptions runtime, string savedModelTags = MetaGraphSelector.DefaultTags)
    {
        _runtime = runtime;
        _tags = MetaGraphSelector.ParseTags(savedModelTags);
    }

    public string Platform => TensorFlowServable.TensorFlowPlatform;

    /// <summary>
    /// Whether weights several signatures read are held once (default); false gives every signature's session its
    /// own copy, as before, for memory comparisons (bench/NServe.Bench.LoadTimes).
    /// </summary>
    public bool ShareWeightsAcrossSignatures { get; init; } = true;

    /// <summary>
    /// True for a SavedModel (<c>saved_model.pb</c> or <c>.pbtxt</c>), and for a legacy SessionBundle export
    /// (<c>export.meta</c>), which TF Serving also loads as platform tensorflow: loading it then fails saying
    /// it is not supported, rather than that there is no model.
    /// </summary>
    public bool CanLoad(string versionPath) =>
        SavedModelFiles.IsSavedModel(versionPath) || SavedModelFiles.IsLegacySessionBundle(versionPath);

    public Task<IServable> LoadAsync(ServableId id, string versionPath, CancellationToken cancellationToken) =>
        Task.Run<IServable>(() => Load(id, versionPath, cancellationToken), cancellationToken);

    /// <summary>Loads synchronously (the caller is off the request path); throws <see cref="ServingException"/>.</summary>
    public TensorFlowServable Load(ServableId id, string versionPath, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        using var bundle = Open(versionPath);
        var read = clock.Elapsed;
        var variables = new VariableStatePlan(AssignedVariables.Find(bundle));
        var (models, prepare, convert) = ConvertSignatures(bundle, versionPath, variables, cancellationToken);
        clock.Restart();

        // Variables that several signatures read are held once for the version, not once per session.
        var weights = SharedWeights.Find(ShareWeightsAcrossSignatures ? models.Select(m => KeyValuePair.Create(m.Key, m.Value.Model)) : []);
        var runners = new Dictionary<string, OnnxServable>(StringComparer.Ordinal);
        var defaults = new Dictionary<string, IReadOnlyDictionary<string, Tensor>>(StringComparer.Ordinal);
        var stages = new Dictionary<string, ExampleParsingStage>(StringComparer.Ordinal);
        try
        {
            foreach (var (key, (graph, model, parses)) in models)
            {
                cancellationToken.ThrowIfCancellationRequested();
                runners[key] = CreateRunner(id, key, graph, model.ToByteArray(), weights);
                if (parses.Count > 0)
                {
                    var definition = bundle.SignatureDefs.First(p => p.Key == key).Value;
                    stages[key] = new ExampleParsingStage(parses, definition.Inputs.Keys, graph.Feeds.Select(f => f.Alias));
                }
            }

            foreach (var (key, definition) in bundle.SignatureDefs)
            {
                if (definition.Defaults.Count > 0)
                {
                    defaults[key] = DefaultsOf(key, definition, versionPath);
                }
            }

            var stateful = variables.CreateSignatures(bundle.SignatureDefs, models.Select(m => KeyValuePair.Create(m.Key, m.Value.Graph)), stages);
            var timings = new TensorFlowLoadTimings(read, prepare, convert, clock.Elapsed);
            return new TensorFlowServable(id, bundle.SignatureDefs, runners, defaults, timings, stages, stateful, weights);
        }
        catch
        {
            foreach (var runner in runners.Values)
            {
                runner.Dispose();
            }

            weights.Dispose();
            foreach (var tensor in defaults.Values.SelectMany(d => d.Values))
            {
                tensor.Dispose();
            }

            throw;
        }
    }

    private SavedModelBundle Open(string versionPath)
    {
        try
        {
            return SavedModelBundle.Load(versionPath, _tags);
        }
        catch (CheckpointException e)
        {
            throw new ServingException(e.Code, e.Message, e);
        }
        catch (GraphPreparationException e)
        {
            throw new ServingException(StatusCode.InvalidArgument, $"Could not read the graph of SavedModel {versionPath}: {e.Message}", e);
        }
    }

    /// <summary>
    /// Each runnable signature's prepared graph (with host-parsed examples as feeds), ONNX model and
    /// host ParseExample runs, or one error naming every unconvertible op.
    /// </summary>
    private static (List<KeyValuePair<string, (PreparedGraph Graph, global::Onnx.ModelProto Model, IReadOnlyList<ParsedExampleFeed> Parses)>> Models, TimeSpan Prepare, TimeSpan Convert) ConvertSignatures(
        SavedModelBundle bundle, string versionPath, VariableStatePlan variables, CancellationToken cancellationToken)
    {
        var prepareTime = TimeSpan.Zero;
        var convertTime = TimeSpan.Zero;
        var converted = new List<KeyValuePair<string, (PreparedGraph, global::Onnx.ModelProto, IReadOnlyList<ParsedExampleFeed>)>>();
        var unsupported = new List<UnsupportedOp>();
        var failing = new List<string>();
        foreach (var (key, definition) in bundle.SignatureDefs)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!SavedModelBundle.FetchesTensors(definition))
            {
                continue;
            }

            PreparedGraph graph;
            var started = Stopwatch.GetTimestamp();
            try
            {
                graph = bundle.Prepare(key);
            }
            catch (CheckpointException e)
            {
                throw new ServingException(e.Code, e.Message, e);
            }
            catch (GraphPreparationException e)
            {
                throw new ServingException(
                    StatusCode.InvalidArgument, $"Could not prepare signature '{key}' of SavedModel {versionPath}: {e.Message}", e);
            }

            // ONNX cannot read tf.Example protos: ParseExample on a signature input runs on the host instead.
            var (split, parses) = ExampleParsingSplit.Apply(graph, key);
            split = variables.Apply(split, key);
            var prepared = Stopwatch.GetTimestamp();
            prepareTime += Stopwatch.GetElapsedTime(started, prepared);
            try
            {
                converted.Add(new(key, (split, GraphConverter.Convert(split, key), parses)));
            }
            catch (UnsupportedOpsException e)
            {
                failing.Add(key);
                unsupported.AddRange(e.Ops.Where(op => !unsupported.Any(u => u.OpType == op.OpType)));
            }

            convertTime += Stopwatch.GetElapsedTime(prepared);
        }

        if (unsupported.Count > 0)
        {
            throw new ServingException(
                StatusCode.Unimplemented,
                $"SavedModel {versionPath} uses TensorFlow ops NServe cannot convert to ONNX: {string.Join(", ", unsupported)} " +
                $"(in signature{(failing.Count > 1 ? "s" : "")} {string.Join(", ", failing)})");
        }

        return (converted, prepareTime, convertTime);
    }

    private OnnxServable CreateRunner(ServableId id, string key, PreparedGraph graph, byte[] model, SharedWeights weights)
    {
        OnnxSessionGroup session;
        try
        {
            session = weights.CreateSessions(key, model, _runtime, $"Model {id.Name} version {id.Version} signature '{key}'");
        }
        catch (OnnxRuntimeException e)
        {
            throw new ServingException(
                StatusCode.Internal, $"ONNX Runtime rejected the converted graph of signature '{key}' of {id}: {e.Message}", e);
        }

        try
        {
            // The converter names graph inputs and outputs after the fed and fetched tensors. Requests are checked
            // against what the graph consumes (the feeds), not the TensorInfos' hints.
            var signature = new Signature(
                string.Empty,
                graph.Feeds.Select(f => KeyValuePair.Create(f.Alias, new TensorSpec(f.TensorName, f.DataType, f.Shape))).ToList(),
                graph.Fetches.Select(f => KeyValuePair.Create(f.Alias, new TensorSpec(f.TensorName, f.DataType, f.Shape))).ToList());
            var binding = new OnnxSignature(
                signature, graph.Feeds.Select(f => f.TensorName).ToList(), graph.Fetches.Select(f => f.TensorName).ToList());
            return new OnnxServable(id, TensorFlowServable.TensorFlowPlatform, session, [new(key, binding)]);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    private static Dictionary<string, Tensor> DefaultsOf(string key, SignatureDef definition, string versionPath)
    {
        var values = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            foreach (var (alias, proto) in definition.Defaults)
            {
                values[alias] = TensorProtoConverter.ToTensor(proto);
            }

            return values;
        }
        catch (ServingException e)
        {
            foreach (var tensor in values.Values)
            {
                tensor.Dispose();
            }

            throw new ServingException(
                StatusCode.InvalidArgument, $"Signature '{key}' of SavedModel {versionPath} has a default input NServe cannot hold: {e.Message}", e);
        }
    }
}
