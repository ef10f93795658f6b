using NServe.Core.Errors;

namespace NServe.Server.Tools;

/// <summary>
/// <c>nserve inspect &lt;savedmodel_dir&gt;</c>: what <c>saved_model_cli show --all</c> prints (tag sets,
/// signatures, inputs and outputs with dtypes and shapes), plus, per signature, the op types it reaches and
/// whether NServe can convert them, so a user learns before deploying whether a model will load.
/// </summary>
public static class InspectCommand
{
    public const string Usage =
        "Usage: nserve inspect <savedmodel_dir>\n" +
        "Prints the SavedModel's tag-sets and signatures (inputs and outputs with dtypes, shapes and tensor names,\n" +
        "method names) and, for each signature, the TensorFlow op types it reaches and whether NServe converts them to ONNX.\n" +
        "<savedmodel_dir> is the folder holding saved_model.pb or saved_model.pbtxt (a version folder).\n";

    /// <summary>Exit codes: 0 printed, 1 the model cannot be read, 2 a usage error.</summary>
    public static int Run(IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        ToolCommandLine line;
        try
        {
            line = ToolCommandLine.Parse(args, []);
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

        if (line.Positionals.Count != 1)
        {
            return UsageError(line.Positionals.Count == 0 ? "no SavedModel directory given" : "give exactly one SavedModel directory", error);
        }

        var directory = line.Positionals[0];
        if (SavedModelDirectory.Problem(directory) is { } problem)
        {
            error.WriteLine($"nserve inspect: {problem}");
            return 1;
        }

        try
        {
            SavedModelInspector.Write(directory, output);
            return 0;
        }
        catch (ServingException e)
        {
            error.WriteLine($"nserve inspect: {e.Message}");
            return 1;
        }
    }

    private static int UsageError(string message, TextWriter error)
    {
        error.WriteLine($"nserve inspect: {message}");
        error.Write(Usage);
        return 2;
    }
}
