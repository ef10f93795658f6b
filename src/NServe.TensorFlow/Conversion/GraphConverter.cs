using NServe.Core.Tensors;
using NServe.Onnx;
using NServe.Onnx.Building;
using NServe.TensorFlow.Graph;
using Onnx;

namespace NServe.TensorFlow.Conversion;

/// <summary>
/// Converts a prepared TensorFlow signature graph into an ONNX model that ONNX Runtime runs.
/// </summary>
/// <remarks>
/// Naming: every ONNX graph input is named after the fed TensorFlow tensor (<see cref="GraphEndpoint.TensorName"/>,
/// e.g. <c>x:0</c>) and every graph output after the fetched tensor, so callers map signature aliases to
/// tensor names themselves; aliases sharing one tensor share one input or output. A fetch that is also a feed
/// is an output with the input's name. Shapes are not declared on ONNX inputs or outputs: signature shapes
/// are hints TensorFlow's C++ session does not enforce (TF 1.x wrote scalar shapes meaning "unknown", and
/// clients feed other ranks), so ORT must accept what TensorFlow would run. The declared shape (except a
/// scalar) still guides conversion, as it guides TensorFlow's own shape inference and constant folding.
/// </remarks>
public static class GraphConverter
{
    /// <summary>The default-domain opset of converted models (20: StringSplit and StringConcat exist).</summary>
    public const long OpsetVersion = 20;

    /// <summary>IR version 9 goes with opset 20 (ONNX 1.15).</summary>
    public const long IrVersion = 9;

    /// <summary>Every TensorFlow op type the converter knows (for <c>nserve inspect</c>).</summary>
    public static IReadOnlyCollection<string> SupportedOpTypes => OpConverterRegistry.Default.OpTypes;

    public static bool IsSupported(string opType) => OpConverterRegistry.Default.Contains(opType);

    /// <summary>
    /// Builds the ONNX model of <paramref name="graph"/>. Throws <see cref="UnsupportedOpsException"/> listing
    /// every op type that cannot be converted, with one node of each.
    /// </summary>
    public static ModelProto Convert(PreparedGraph graph, string graphName = "main")
    {
        ArgumentNullException.ThrowIfNull(graph);
        if (graph.Nodes.FirstOrDefault(n => string.IsNullOrEmpty(n.Name)) is { } unnamed)
        {
            // TensorFlow refuses such a graph at import; names are what ONNX values are made from.
            throw new GraphPreparationException($"a node of op '{unnamed.Op}' has an empty name");
        }

        // A signature key may be empty in a SavedModel; an ONNX graph needs a name.
        var model = new OnnxModelBuilder(string.IsNullOrEmpty(graphName) ? "main" : graphName) { IrVersion = IrVersion };
        model.ImportOpset(OpsetVersion);
        var session = new ConversionSession(model.Graph, graph.Functions, OpConverterRegistry.Default);
        var scope = new GraphScope(session, model.Graph, prefix: "");

        foreach (var feed in graph.Feeds.DistinctBy(f => f.TensorName))
        {
            var shape = feed.Shape is { Length: > 0 } declared ? declared : null;
            session.ClaimExact(feed.TensorName);
            model.Graph.AddInput(feed.TensorName, OnnxDataTypes.ToOnnx(feed.DataType), null);
            scope.Bind(feed.TensorName, TfValue.Of(feed.TensorName, feed.DataType, shape));
        }

        var fetches = graph.Fetches.DistinctBy(f => f.TensorName).ToArray();
        foreach (var fetch in fetches)
        {
            session.Reserve(fetch.TensorName);
        }

        scope.ConvertNodes(graph.Nodes, fetches.Select(f => f.TensorName));
        if (session.Unsupported.Count > 0)
        {
            throw new UnsupportedOpsException(session.Unsupported);
        }

        foreach (var fetch in fetches)
        {
            try
            {
                AddOutput(scope, fetch);
            }
            catch (Exception e) when (e is ConversionException or InvalidOperationException)
            {
                // Only a malformed signature gets here (a fetch named like a feed or like another fetch's
                // alias, a fetch of an output its node does not have): the version fails with the reason.
                throw new GraphPreparationException($"signature output '{fetch.TensorName}' cannot be produced: {e.Message}", e);
            }
        }

        model.AddMetadata("nserve.converted_from", "tensorflow");
        return model.Build();
    }

    private static void AddOutput(GraphScope scope, GraphEndpoint fetch)
    {
        var value = scope.Lookup(fetch.TensorName);
        if (value.Kind == TfValueKind.Dead)
        {
            throw new UnsupportedOpsException([new UnsupportedOp("Switch", fetch.TensorName, "the output is on an untaken Switch branch")]);
        }

        var name = scope.Use(value);
        var dataType = fetch.DataType == TensorDataType.Invalid ? value.DataType : fetch.DataType;
        var needsCast = value.DataType != dataType;
        if (needsCast || name != fetch.TensorName)
        {
            // An alias (Identity) or a dtype fix: a node that gives the output the fetched tensor's own name.
            if (!scope.Session.IsReserved(fetch.TensorName))
            {
                throw new InvalidOperationException($"output name '{fetch.TensorName}' was taken by another value");
            }

            var output = scope.Session.UniqueName(fetch.TensorName);
            name = needsCast
                ? scope.Emit("Cast", [name], output, n => n.Attribute("to", (long)OnnxDataTypes.ToOnnx(dataType)))
                : scope.Emit("Identity", [name], output);
        }

        scope.Graph.AddOutput(name, OnnxDataTypes.ToOnnx(dataType), null);
    }
}
