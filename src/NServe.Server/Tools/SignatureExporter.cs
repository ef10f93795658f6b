using NServe.Core.Errors;
using NServe.TensorFlow.Checkpoint;
using NServe.TensorFlow.Conversion;
using NServe.TensorFlow.Graph;
using NServe.TensorFlow.HostKernels;
using NServe.TensorFlow.SavedModel;
using NServe.TensorFlow.State;
using Onnx;

namespace NServe.Server.Tools;

/// <summary>
/// One signature of a SavedModel as a standalone ONNX model: the graph the loader would run for it, with its
/// variables as initializers. Graph inputs and outputs are named after the TensorFlow tensors (<c>x:0</c>);
/// metadata entries <c>nserve.input.ALIAS</c> / <c>nserve.output.ALIAS</c> map the signature's keys to them.
/// </summary>
public static class SignatureExporter
{
    /// <summary>The ONNX model of signature <paramref name="key"/>; <see cref="ServingException"/> saying why when there is none.</summary>
    public static ModelProto Export(SavedModelBundle bundle, string key, string tagSet)
    {
        if (!bundle.MetaGraph.SignatureDef.TryGetValue(key, out var definition))
        {
            throw ServingException.NotFound(
                $"SavedModel {bundle.Directory} (tag-set '{tagSet}') has no signature_def '{key}'; available: {string.Join(", ", bundle.SignatureDefs.Select(p => p.Key))}");
        }

        if (!SavedModelBundle.FetchesTensors(definition))
        {
            throw ServingException.FailedPrecondition($"signature_def '{key}' only runs operations; it has no output tensors to convert");
        }

        PreparedGraph graph;
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
            throw ServingException.InvalidArgument($"Could not prepare signature_def '{key}' of SavedModel {bundle.Directory}: {e.Message}");
        }

        ModelProto model;
        try
        {
            model = GraphConverter.Convert(graph, key);
        }
        catch (UnsupportedOpsException e)
        {
            var hint = e.Ops.Any(op => ExampleParsingSplit.OpTypes.Contains(op.OpType))
                ? " (when NServe serves the model it parses tf.Example inputs in C# before the ONNX graph; a standalone ONNX file cannot)"
                : e.Ops.Any(op => AssignedVariables.UpdateOpTypes.Contains(op.OpType))
                ? " (when NServe serves the model it holds updated variables per version; a standalone ONNX file has no state)"
                : "";
            throw new ServingException(
                StatusCode.Unimplemented,
                $"signature_def '{key}' of SavedModel {bundle.Directory} uses TensorFlow ops NServe cannot convert to ONNX: {string.Join(", ", e.Ops)}{hint}");
        }

        Annotate(model, key, definition.MethodName, graph);
        return model;
    }

    private static void Annotate(ModelProto model, string key, string methodName, PreparedGraph graph)
    {
        model.MetadataProps.Add(new StringStringEntryProto { Key = "nserve.signature_def", Value = key });
        model.MetadataProps.Add(new StringStringEntryProto { Key = "nserve.method_name", Value = methodName });
        foreach (var feed in graph.Feeds)
        {
            model.MetadataProps.Add(new StringStringEntryProto { Key = "nserve.input." + feed.Alias, Value = feed.TensorName });
        }

        foreach (var fetch in graph.Fetches)
        {
            model.MetadataProps.Add(new StringStringEntryProto { Key = "nserve.output." + fetch.Alias, Value = fetch.TensorName });
        }
    }
}
