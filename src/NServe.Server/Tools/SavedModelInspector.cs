using NServe.Core.Errors;
using NServe.TensorFlow.Checkpoint;
using NServe.TensorFlow.Graph;
using NServe.TensorFlow.SavedModel;
using NServe.TensorFlow.State;
using Tensorflow;

namespace NServe.Server.Tools;

/// <summary>
/// The text of <c>nserve inspect</c>: every MetaGraph's tag set and op types, and for each signature its
/// method name, inputs and outputs (dtype, shape, tensor) as <c>saved_model_cli show --all</c> prints them,
/// followed by the op types the signature reaches and whether NServe can run each.
/// </summary>
public static class SavedModelInspector
{
    /// <summary>Writes the report of the SavedModel in <paramref name="directory"/>; throws <see cref="ServingException"/> when it cannot be read.</summary>
    public static void Write(string directory, TextWriter output)
    {
        var model = SavedModelReader.Read(directory);
        output.WriteLine($"SavedModel {Path.GetFullPath(directory)}: {model.MetaGraphs.Count} MetaGraphDef(s), tag-sets: {string.Join("; ", model.MetaGraphs.Select(m => Quote(TagsOf(m))))}");
        foreach (var metaGraph in model.MetaGraphs)
        {
            output.WriteLine();
            WriteMetaGraph(directory, metaGraph, output);
        }
    }

    private static void WriteMetaGraph(string directory, MetaGraphDef metaGraph, TextWriter output)
    {
        var tags = TagsOf(metaGraph);
        output.WriteLine($"MetaGraphDef with tag-set: {Quote(tags)} contains the following SignatureDefs:");
        SavedModelBundle? bundle = null;
        VariableStatePlan? variables = null;
        string? openError = null;
        try
        {
            bundle = SavedModelBundle.Load(directory, new HashSet<string>(tags, StringComparer.Ordinal));
            variables = new VariableStatePlan(AssignedVariables.Find(bundle));
        }
        catch (Exception e) when (e is ServingException or CheckpointException or GraphPreparationException)
        {
            openError = e.Message;
        }

        using (bundle)
        {
            foreach (var (key, definition) in metaGraph.SignatureDef)
            {
                output.WriteLine();
                WriteSignature(key, definition, bundle, variables, openError, output);
            }

            output.WriteLine();
            output.WriteLine($"The MetaGraph with tag-set {Quote(tags)} contains the following ops: {string.Join(", ", GraphOpTypes(metaGraph))}");
        }
    }

    private static void WriteSignature(string key, SignatureDef definition, SavedModelBundle? bundle, VariableStatePlan? variables, string? openError, TextWriter output)
    {
        output.WriteLine($"signature_def['{key}']:");
        output.WriteLine("  The given SavedModel SignatureDef contains the following input(s):");
        WriteTensors("inputs", definition.Inputs, output);
        output.WriteLine("  The given SavedModel SignatureDef contains the following output(s):");
        WriteTensors("outputs", definition.Outputs, output);
        output.WriteLine($"  Method name is: {definition.MethodName}");
        if (definition.Defaults.Count > 0)
        {
            output.WriteLine($"  Inputs with default values: {string.Join(", ", definition.Defaults.Keys)}");
        }

        if (!SavedModelBundle.FetchesTensors(definition))
        {
            output.WriteLine("  NServe: this signature only runs operations (no output tensors); it is listed, not served.");
            return;
        }

        if (bundle is null || variables is null)
        {
            output.WriteLine($"  NServe: the model cannot be opened: {openError}");
            return;
        }

        var report = SignatureOpReport.Of(bundle, key, variables);
        if (report.OpTypes.Count > 0)
        {
            output.WriteLine($"  Op types reached by this signature ({report.OpTypes.Count}):");
            var width = report.OpTypes.Max(p => p.Key.Length) + 2;
            foreach (var (op, route) in report.OpTypes)
            {
                output.WriteLine($"    {op.PadRight(width)}{Describe(route)}");
            }
        }

        if (report.Converts)
        {
            output.WriteLine("  NServe: convertible to ONNX; this signature can be served.");
        }
        else if (report.Error is { } error)
        {
            output.WriteLine($"  NServe: not convertible: {error}");
        }
        else
        {
            output.WriteLine($"  NServe: not convertible: uses TensorFlow ops NServe cannot convert to ONNX: {string.Join(", ", report.Unsupported)}");
        }
    }

    private static void WriteTensors(string kind, IEnumerable<KeyValuePair<string, TensorInfo>> tensors, TextWriter output)
    {
        foreach (var (alias, info) in tensors)
        {
            output.WriteLine($"    {kind}['{alias}'] tensor_info:");
            output.WriteLine($"        dtype: {TensorInfoText.DataTypeName(info.Dtype)}");
            output.WriteLine($"        shape: {TensorInfoText.Shape(info.TensorShape)}");
            output.WriteLine($"        name: {TensorInfoText.Name(info)}");
        }
    }

    private static string Describe(OpRoute route) => route switch
    {
        OpRoute.Onnx => "converts to ONNX",
        OpRoute.HostKernel => "runs in C# (host kernel) before the ONNX graph",
        OpRoute.VariableState => "variable update: NServe holds the variable per version and updates it after each run",
        _ => "NOT CONVERTIBLE",
    };

    /// <summary>Op types of the whole graph and its function library, as saved_model_cli lists them (calls to library functions left out).</summary>
    private static SortedSet<string> GraphOpTypes(MetaGraphDef metaGraph)
    {
        var graph = metaGraph.GraphDef ?? new GraphDef();
        var functions = new HashSet<string>((graph.Library?.Function ?? []).Select(f => f.Signature.Name), StringComparer.Ordinal);
        var nodes = graph.Node.Concat((graph.Library?.Function ?? []).SelectMany(f => f.NodeDef));
        return new SortedSet<string>(nodes.Select(n => n.Op).Where(op => !functions.Contains(op)), StringComparer.Ordinal);
    }

    private static IReadOnlyList<string> TagsOf(MetaGraphDef metaGraph) => metaGraph.MetaInfoDef?.Tags.ToList() ?? [];

    private static string Quote(IReadOnlyList<string> tags) => "'" + string.Join(", ", tags) + "'";
}
