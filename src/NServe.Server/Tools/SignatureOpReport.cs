using NServe.Core.Errors;
using NServe.TensorFlow.Checkpoint;
using NServe.TensorFlow.Conversion;
using NServe.TensorFlow.Graph;
using NServe.TensorFlow.HostKernels;
using NServe.TensorFlow.SavedModel;
using NServe.TensorFlow.State;

namespace NServe.Server.Tools;

/// <summary>How NServe runs one op type of a signature.</summary>
public enum OpRoute
{
    /// <summary>Converted to ONNX and run by ONNX Runtime.</summary>
    Onnx,

    /// <summary>Run in C# before the ONNX graph (ParseExample on a signature input).</summary>
    HostKernel,

    /// <summary>A variable update (Assign, AssignAdd, AssignSub): NServe holds the variable for the version and updates it after each run.</summary>
    VariableState,

    /// <summary>No converter: the signature cannot be served.</summary>
    Unsupported,
}

/// <summary>
/// The op types one signature reaches once NServe has prepared it as the loader does (pruned to its feeds and
/// fetches, calls inlined, variables read as constants), how each runs, and the converter's verdict, which
/// also catches ops whose converter refuses particular attributes.
/// </summary>
public sealed record SignatureOpReport(
    IReadOnlyList<KeyValuePair<string, OpRoute>> OpTypes,
    IReadOnlyList<UnsupportedOp> Unsupported,
    string? Error)
{
    public bool Converts => Error is null && Unsupported.Count == 0;

    /// <param name="bundle">The opened SavedModel.</param>
    /// <param name="key">The signature.</param>
    /// <param name="variables">The model's updated variables, as the loader plans them.</param>
    public static SignatureOpReport Of(SavedModelBundle bundle, string key, VariableStatePlan variables)
    {
        PreparedGraph graph;
        try
        {
            graph = bundle.Prepare(key);
        }
        catch (Exception e) when (e is GraphPreparationException or CheckpointException or ServingException)
        {
            return new SignatureOpReport([], [], $"cannot be prepared: {e.Message}");
        }

        var reached = OpTypesOf(graph);
        PreparedGraph split;
        try
        {
            (split, _) = ExampleParsingSplit.Apply(graph, key);
            split = variables.Apply(split, key);
        }
        catch (ServingException e)
        {
            return new SignatureOpReport(Classify(reached, reached), [], e.Message);
        }

        var onGraph = OpTypesOf(split);
        try
        {
            GraphConverter.Convert(split, key);
            return new SignatureOpReport(Classify(reached, onGraph), [], null);
        }
        catch (UnsupportedOpsException e)
        {
            return new SignatureOpReport(Classify(reached, onGraph), e.Ops, null);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            // A converter's own failure: shown for this signature rather than ending the whole report.
            return new SignatureOpReport(Classify(reached, onGraph), [], $"conversion failed: {e.Message}");
        }
    }

    /// <summary>Op types of the graph's nodes and of the loop/branch bodies it keeps, without calls to library functions.</summary>
    public static SortedSet<string> OpTypesOf(PreparedGraph graph)
    {
        var types = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var node in graph.Nodes.Concat(graph.Functions.Values.SelectMany(f => f.NodeDef)))
        {
            if (!graph.Functions.ContainsKey(node.Op))
            {
                types.Add(node.Op);
            }
        }

        return types;
    }

    // An op type reached but gone from the graph once the loader's splits are done runs on the host.
    private static List<KeyValuePair<string, OpRoute>> Classify(IEnumerable<string> reached, IReadOnlySet<string> onGraph) =>
        reached.Select(op => KeyValuePair.Create(
            op,
            !onGraph.Contains(op) && ExampleParsingSplit.OpTypes.Contains(op) ? OpRoute.HostKernel
                : !onGraph.Contains(op) && AssignedVariables.UpdateOpTypes.Contains(op) ? OpRoute.VariableState
                : GraphConverter.IsSupported(op) ? OpRoute.Onnx
                : OpRoute.Unsupported)).ToList();
}
