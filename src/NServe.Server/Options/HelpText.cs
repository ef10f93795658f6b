using System.Text;

namespace NServe.Server.Options;

/// <summary>
/// <c>nserve --help</c>: TF's usage layout (command_line_flags.cc <c>Flags::Usage</c>): a header, then per
/// flag a tab, <c>--name=default</c> padded to 33 columns, a tab, the type, a tab, the description.
/// Flags NServe accepts but does not act on are marked, so the help tells the truth.
/// </summary>
public static class HelpText
{
    /// <summary>Marker appended to the description of a flag NServe does not act on yet.</summary>
    public const string UnactedMarker = "[accepted; no effect in NServe yet]";

    /// <summary>The usage text; defaults are those of <paramref name="defaults"/> (fresh defaults if null).</summary>
    public static string Render(string programName = "nserve", ServerOptions? defaults = null)
    {
        defaults ??= new ServerOptions();
        var text = new StringBuilder();
        text.Append("usage: ").Append(programName).Append('\n');
        text.Append("Serves TensorFlow Serving's REST and gRPC APIs over ONNX Runtime; takes tensorflow_model_server's flags.\n");
        text.Append("Flags:\n");
        foreach (var flag in ServerFlags.All)
        {
            var flagAndDefault = $"--{flag.Name}={flag.FormatValue(defaults)}";
            text.Append('\t').Append(flagAndDefault.PadRight(33)).Append('\t').Append(flag.TypeName).Append('\t').Append(flag.Description);
            if (!FlagSupport.IsActedOn(flag.Name))
            {
                text.Append(' ').Append(UnactedMarker);
            }
            text.Append('\n');
        }
        return text.ToString();
    }
}
