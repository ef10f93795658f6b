using System.Globalization;

namespace NServe.Server.Options;

/// <summary>
/// One command-line flag: its name, type, whether its value is a file-system path, its help text, and
/// typed access to the <see cref="ServerOptions"/> property it fills. Accessors are plain delegates so
/// parsing needs no reflection.
/// </summary>
public abstract class FlagDefinition
{
    private protected FlagDefinition(string name, FlagType type, string description, bool isPath)
    {
        Name = name;
        Type = type;
        Description = description;
        IsPath = isPath;
    }

    /// <summary>The flag name without dashes, e.g. <c>model_base_path</c>.</summary>
    public string Name { get; }

    public FlagType Type { get; }

    /// <summary>Help text shown by <c>nserve --help</c>.</summary>
    public string Description { get; }

    /// <summary>A relative value is resolved against the working directory (see <see cref="FlagPaths"/>).</summary>
    public bool IsPath { get; }

    /// <summary>The type as TF's usage output names it: <c>bool int32 int64 float string</c>.</summary>
    public string TypeName => Type switch
    {
        FlagType.Bool => "bool",
        FlagType.Int32 => "int32",
        FlagType.Int64 => "int64",
        FlagType.Float => "float",
        _ => "string",
    };

    /// <summary>The current value as TF's usage output prints a default (<c>%d</c>, <c>%f</c>,
    /// <c>true</c>/<c>false</c>, quoted string).</summary>
    public abstract string FormatValue(ServerOptions options);

    /// <summary>
    /// Parses <paramref name="text"/> and stores it. On failure returns false and sets
    /// <paramref name="error"/>; <paramref name="tensorFlowAccepts"/> is false when the value parsed only
    /// through a gflags spelling that TF Serving would reject (e.g. <c>=yes</c>).
    /// </summary>
    internal abstract bool TryApply(ServerOptions options, string text, out bool tensorFlowAccepts, out string? error);

    /// <summary>TF's own message (command_line_flags.cc), followed by what NServe expected.</summary>
    private protected string InterpretError(string text, string expected) =>
        $"Couldn't interpret value {text} for flag {Name}. Expected {expected}.";

    internal static FlagDefinition Bool(string name, Func<ServerOptions, bool> get, Action<ServerOptions, bool> set, string description) =>
        new BoolFlag(name, get, set, description);

    internal static FlagDefinition Int32(string name, Func<ServerOptions, int> get, Action<ServerOptions, int> set, string description) =>
        new Int32Flag(name, get, set, description);

    internal static FlagDefinition Int64(string name, Func<ServerOptions, long> get, Action<ServerOptions, long> set, string description) =>
        new Int64Flag(name, get, set, description);

    internal static FlagDefinition Float(string name, Func<ServerOptions, float> get, Action<ServerOptions, float> set, string description) =>
        new FloatFlag(name, get, set, description);

    internal static FlagDefinition String(string name, Func<ServerOptions, string> get, Action<ServerOptions, string> set, string description, bool isPath = false) =>
        new StringFlag(name, get, set, description, isPath);

    /// <summary>Reads and writes a string flag's raw value (used by <see cref="FlagPaths"/>).</summary>
    internal virtual string GetString(ServerOptions options) =>
        throw new InvalidOperationException($"--{Name} is not a string flag.");

    internal virtual void SetString(ServerOptions options, string value) =>
        throw new InvalidOperationException($"--{Name} is not a string flag.");

    private sealed class BoolFlag(string name, Func<ServerOptions, bool> get, Action<ServerOptions, bool> set, string description)
        : FlagDefinition(name, FlagType.Bool, description, isPath: false)
    {
        public override string FormatValue(ServerOptions options) => get(options) ? "true" : "false";

        internal override bool TryApply(ServerOptions options, string text, out bool tensorFlowAccepts, out string? error)
        {
            if (FlagValueSyntax.TryParseBool(text, out var value, out tensorFlowAccepts))
            {
                set(options, value);
                error = null;
                return true;
            }
            error = InterpretError(text, "true, false, 1 or 0");
            return false;
        }
    }

    private sealed class Int32Flag(string name, Func<ServerOptions, int> get, Action<ServerOptions, int> set, string description)
        : FlagDefinition(name, FlagType.Int32, description, isPath: false)
    {
        public override string FormatValue(ServerOptions options) => get(options).ToString(CultureInfo.InvariantCulture);

        internal override bool TryApply(ServerOptions options, string text, out bool tensorFlowAccepts, out string? error)
        {
            tensorFlowAccepts = true;
            if (FlagValueSyntax.TryParseInt32(text, out var value))
            {
                set(options, value);
                error = null;
                return true;
            }
            error = InterpretError(text, "a decimal int32 (-2147483648 to 2147483647)");
            return false;
        }
    }

    private sealed class Int64Flag(string name, Func<ServerOptions, long> get, Action<ServerOptions, long> set, string description)
        : FlagDefinition(name, FlagType.Int64, description, isPath: false)
    {
        public override string FormatValue(ServerOptions options) => get(options).ToString(CultureInfo.InvariantCulture);

        internal override bool TryApply(ServerOptions options, string text, out bool tensorFlowAccepts, out string? error)
        {
            tensorFlowAccepts = true;
            if (FlagValueSyntax.TryParseInt64(text, out var value))
            {
                set(options, value);
                error = null;
                return true;
            }
            error = InterpretError(text, "a decimal int64");
            return false;
        }
    }

    private sealed class FloatFlag(string name, Func<ServerOptions, float> get, Action<ServerOptions, float> set, string description)
        : FlagDefinition(name, FlagType.Float, description, isPath: false)
    {
        // C's %f: six decimals.
        public override string FormatValue(ServerOptions options) => get(options).ToString("F6", CultureInfo.InvariantCulture);

        internal override bool TryApply(ServerOptions options, string text, out bool tensorFlowAccepts, out string? error)
        {
            tensorFlowAccepts = true;
            if (FlagValueSyntax.TryParseFloat(text, out var value))
            {
                set(options, value);
                error = null;
                return true;
            }
            error = InterpretError(text, "a decimal number");
            return false;
        }
    }

    private sealed class StringFlag(string name, Func<ServerOptions, string> get, Action<ServerOptions, string> set, string description, bool isPath)
        : FlagDefinition(name, FlagType.String, description, isPath)
    {
        public override string FormatValue(ServerOptions options) => "\"" + get(options) + "\"";

        internal override string GetString(ServerOptions options) => get(options);

        internal override void SetString(ServerOptions options, string value) => set(options, value);

        internal override bool TryApply(ServerOptions options, string text, out bool tensorFlowAccepts, out string? error)
        {
            tensorFlowAccepts = true;
            set(options, text);
            error = null;
            return true;
        }
    }
}
