namespace NServe.Server.Options;

/// <summary>
/// Parses a <c>tensorflow_model_server</c> command line.
/// </summary>
/// <remarks>
/// TF Serving uses TensorFlow's own flag parser (tensorflow/core/util/command_line_flags.cc), not gflags:
/// <list type="bullet">
/// <item><c>--name=value</c> for every type; bool flags also bare <c>--name</c>, and
/// <c>--name=true|false|1|0</c> (case-insensitive true/false).</item>
/// <item>A value that does not parse is fatal: "Couldn't interpret value V for flag N.", usage, exit -1.</item>
/// <item>Anything else (positional arguments, unknown flags, <c>--port 9000</c>, <c>-port=9000</c>, and
/// everything from a bare <c>--</c> on) is left over; main.cc prints <c>unknown argument: &lt;first&gt;</c>
/// with the usage and keeps running.</item>
/// </list>
/// NServe does exactly that, and on top understands the gflags spellings <c>-name=value</c>,
/// <c>--name value</c>, <c>--noname</c> and bool values <c>t f yes no y n</c>, each with a warning that TF
/// Serving would not accept it (so an NServe command line that warns is not portable back). Every TF
/// Serving command line therefore means the same on NServe, except that these spellings, which TF would
/// ignore or reject, take effect.
/// A small own parser rather than System.CommandLine: that library treats unknown tokens as errors (or
/// drops them silently), has no <c>--noflag</c> form, binds <c>--name value</c> always, and prints its own
/// help and error texts; reproducing TF's leftover-argument semantics and messages on top of it would be
/// more code than this file.
/// </remarks>
public static class ServerFlagParser
{
    private static readonly HashSet<string> HelpArguments = new(StringComparer.Ordinal) { "--help", "-help", "-h" };

    /// <summary>
    /// Parses <paramref name="args"/> (without the program name). Relative path flags are resolved against
    /// <paramref name="workingDirectory"/> (default: the current directory); CPU-dependent defaults use
    /// <paramref name="schedulableCpus"/> (default: <see cref="Environment.ProcessorCount"/>).
    /// </summary>
    public static FlagParseResult Parse(IReadOnlyList<string> args, string? workingDirectory = null, int? schedulableCpus = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        var options = new ServerOptions(schedulableCpus ?? Environment.ProcessorCount);
        var state = new ParseState(options);

        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg == "--")
            {
                // TF keeps "--" and everything after it as leftover arguments.
                for (; i < args.Count; i++)
                {
                    state.Unknown(args[i]);
                }
                break;
            }
            if (HelpArguments.Contains(arg))
            {
                state.HelpRequested = true;
                continue;
            }
            i += ParseArgument(args, i, state);
        }

        FlagPaths.ResolveRelativePaths(options, workingDirectory ?? Environment.CurrentDirectory);
        return new FlagParseResult(options, state.Errors, state.Warnings, state.UnknownArguments, state.ExplicitlySetFlags, state.HelpRequested);
    }

    /// <summary>Parses <c>args[index]</c>; returns how many following arguments it consumed as its value.</summary>
    private static int ParseArgument(IReadOnlyList<string> args, int index, ParseState state)
    {
        var arg = args[index];
        bool singleDash;
        string body;
        if (arg.StartsWith("--", StringComparison.Ordinal))
        {
            singleDash = false;
            body = arg[2..];
        }
        else if (arg.Length > 1 && arg[0] == '-')
        {
            singleDash = true;
            body = arg[1..];
        }
        else
        {
            state.Unknown(arg);
            return 0;
        }

        var equals = body.IndexOf('=');
        var name = equals < 0 ? body : body[..equals];
        var value = equals < 0 ? null : body[(equals + 1)..];
        var flag = ServerFlags.Find(name);

        if (flag is null)
        {
            // gflags' --noNAME for a bool flag NAME (only when no flag is really called "noNAME").
            var negated = name.StartsWith("no", StringComparison.Ordinal) ? ServerFlags.Find(name[2..]) : null;
            if (negated is { Type: FlagType.Bool } && value is null)
            {
                state.Apply(negated, "false");
                state.Warnings.Add($"{arg}: NServe reads this as --{negated.Name}=false; TensorFlow Serving has no --no prefix and would ignore it.");
                return 0;
            }
            state.Unknown(arg);
            return 0;
        }

        var consumed = 0;
        if (value is null)
        {
            if (flag.Type == FlagType.Bool)
            {
                value = "true";
            }
            else if (index + 1 < args.Count && LooksLikeValue(flag, args[index + 1]))
            {
                value = args[index + 1];
                consumed = 1;
                state.Warnings.Add($"{arg} {value}: NServe reads this as --{name}={value}; TensorFlow Serving only accepts --{name}={value} and would ignore both arguments.");
            }
            else
            {
                state.Unknown(arg, $" (--{name} takes a value: --{name}=VALUE)");
                return 0;
            }
        }

        if (state.Apply(flag, value) is false)
        {
            state.Warnings.Add($"{arg}: NServe reads {value} as a bool; TensorFlow Serving only accepts true, false, 1 or 0 and would refuse to start.");
        }
        if (singleDash)
        {
            state.Warnings.Add($"{arg}: NServe reads this as --{arg[1..]}; TensorFlow Serving only recognises flags written with two dashes and would ignore it.");
        }
        return consumed;
    }

    /// <summary>
    /// For <c>--name value</c>: the next argument is taken as the value unless it looks like another flag
    /// (a dash, except a negative number for a numeric flag). Otherwise TF's reading stands: the bare
    /// <c>--name</c> is an unknown argument and the next argument is parsed on its own.
    /// </summary>
    private static bool LooksLikeValue(FlagDefinition flag, string next)
    {
        if (!next.StartsWith('-'))
        {
            return true;
        }
        var numeric = flag.Type is FlagType.Int32 or FlagType.Int64 or FlagType.Float;
        return numeric && next.Length > 1 && (char.IsAsciiDigit(next[1]) || next[1] == '.');
    }

    private sealed class ParseState(ServerOptions options)
    {
        private readonly HashSet<string> _seen = new(StringComparer.Ordinal);

        public List<string> Errors { get; } = [];

        public List<string> Warnings { get; } = [];

        public List<string> UnknownArguments { get; } = [];

        public List<string> ExplicitlySetFlags { get; } = [];

        public bool HelpRequested { get; set; }

        public void Unknown(string arg, string hint = "")
        {
            UnknownArguments.Add(arg);
            Warnings.Add($"unknown argument: {arg}{hint}");
        }

        /// <summary>Stores the value; returns null on error, otherwise whether TF would accept the value.</summary>
        public bool? Apply(FlagDefinition flag, string value)
        {
            if (!flag.TryApply(options, value, out var tensorFlowAccepts, out var error))
            {
                Errors.Add(error!);
                return null;
            }
            if (_seen.Add(flag.Name))
            {
                ExplicitlySetFlags.Add(flag.Name);
            }
            return tensorFlowAccepts;
        }
    }
}
