using NServe.Core.Errors;
using NServe.TensorFlow.Checkpoint;
using NServe.TensorFlow.Graph;
using NServe.TensorFlow.SavedModel;

namespace NServe.Server.Tools;

/// <summary>
/// <c>nserve convert &lt;savedmodel_dir&gt; &lt;out.onnx&gt; [--signature_def KEY] [--tag_set serve]</c>: writes
/// the ONNX model NServe would run for one signature, so it can be served as platform onnx, checked with other
/// ONNX tools, or timed on its own.
/// </summary>
public static class ConvertCommand
{
    public const string DefaultSignature = "serving_default";

    public const string Usage =
        "Usage: nserve convert <savedmodel_dir> <out.onnx> [--signature_def=KEY] [--tag_set=TAGS]\n" +
        "Converts one signature of a SavedModel to an ONNX model (opset 20, variables as initializers) and writes it\n" +
        "atomically: the file appears only once ONNX Runtime has loaded it.\n" +
        "  --signature_def  the signature to convert (default serving_default)\n" +
        "  --tag_set        comma-separated tags of the MetaGraphDef (default serve; empty selects the untagged one)\n" +
        "Graph inputs and outputs are named after the TensorFlow tensors (x:0); the model's metadata maps the signature's\n" +
        "keys to them (nserve.input.KEY, nserve.output.KEY).\n";

    private static readonly string[] KnownFlags = ["signature_def", "tag_set"];

    /// <summary>Exit codes: 0 written, 1 the model cannot be converted or written, 2 a usage error.</summary>
    public static int Run(IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        ToolCommandLine line;
        try
        {
            line = ToolCommandLine.Parse(args, KnownFlags);
        }
        catch (ArgumentException e)
        {
            return UsageError(e.Message, error);
        }

        if (line.HelpRequested)
        {
            output.Write(Usage);
            return 0;
        }

        if (line.Positionals.Count != 2)
        {
            return UsageError($"expected <savedmodel_dir> <out.onnx>, got {line.Positionals.Count} argument(s)", error);
        }

        var (directory, target) = (line.Positionals[0], line.Positionals[1]);
        var key = line.Flag("signature_def", DefaultSignature);
        var tagSet = line.Flag("tag_set", MetaGraphSelector.DefaultTags);
        if (SavedModelDirectory.Problem(directory) is { } problem)
        {
            error.WriteLine($"nserve convert: {problem}");
            return 1;
        }

        try
        {
            using var bundle = Open(directory, tagSet);
            var model = SignatureExporter.Export(bundle, key, tagSet);
            var size = OnnxFileWriter.WriteChecked(model, target);
            var inputs = model.Graph.Input.Select(i => i.Name);
            var outputs = model.Graph.Output.Select(o => o.Name);
            output.WriteLine(
                $"Wrote signature_def '{key}' of {directory} to {target} ({size} bytes, {model.Graph.Node.Count} nodes, " +
                $"{model.Graph.Initializer.Count} initializers; inputs {string.Join(", ", inputs)}; outputs {string.Join(", ", outputs)})");
            return 0;
        }
        catch (ServingException e)
        {
            error.WriteLine($"nserve convert: {e.Message}");
            return 1;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"nserve convert: cannot write {target}: {e.Message}");
            return 1;
        }
    }

    private static SavedModelBundle Open(string directory, string tagSet)
    {
        try
        {
            return SavedModelBundle.Load(directory, MetaGraphSelector.ParseTags(tagSet));
        }
        catch (CheckpointException e)
        {
            throw new ServingException(e.Code, e.Message, e);
        }
        catch (GraphPreparationException e)
        {
            throw ServingException.InvalidArgument($"Could not read the graph of SavedModel {directory}: {e.Message}");
        }
    }

    private static int UsageError(string message, TextWriter error)
    {
        error.WriteLine($"nserve convert: {message}");
        error.Write(Usage);
        return 2;
    }
}
