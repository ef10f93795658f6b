namespace NServe.Server.Tools;

/// <summary>
/// The arguments of <c>nserve inspect</c> and <c>nserve convert</c>: positional paths, then flags as
/// <c>--flag=value</c> or <c>--flag value</c> (saved_model_cli's spelling: <c>--tag_set</c>, <c>--signature_def</c>).
/// </summary>
public sealed record ToolCommandLine(IReadOnlyList<string> Positionals, IReadOnlyDictionary<string, string> Flags, bool HelpRequested)
{
    /// <summary>Parses <paramref name="args"/> (without the subcommand), accepting only <paramref name="knownFlags"/>.</summary>
    /// <exception cref="ArgumentException">A usage error; the message says what is wrong.</exception>
    public static ToolCommandLine Parse(IReadOnlyList<string> args, IReadOnlyCollection<string> knownFlags)
    {
        var positionals = new List<string>();
        var flags = new Dictionary<string, string>(StringComparer.Ordinal);
        var help = false;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg is "--help" or "-h" or "--helpfull")
            {
                help = true;
                continue;
            }

            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                positionals.Add(arg);
                continue;
            }

            var body = arg[2..];
            var equals = body.IndexOf('=', StringComparison.Ordinal);
            var name = equals < 0 ? body : body[..equals];
            if (!knownFlags.Contains(name))
            {
                throw new ArgumentException($"unknown flag --{name}");
            }

            if (equals >= 0)
            {
                flags[name] = body[(equals + 1)..];
            }
            else if (++i < args.Count)
            {
                flags[name] = args[i];
            }
            else
            {
                throw new ArgumentException($"--{name} needs a value");
            }
        }

        return new ToolCommandLine(positionals, flags, help);
    }

    public string Flag(string name, string fallback) => Flags.TryGetValue(name, out var value) ? value : fallback;
}
