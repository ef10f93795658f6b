namespace NServe.Server.Options;

/// <summary>What <see cref="ServerFlagParser.Parse"/> made of a command line.</summary>
public sealed class FlagParseResult
{
    internal FlagParseResult(
        ServerOptions options,
        IReadOnlyList<string> errors,
        IReadOnlyList<string> warnings,
        IReadOnlyList<string> unknownArguments,
        IReadOnlyList<string> explicitlySetFlags,
        bool helpRequested)
    {
        Options = options;
        Errors = errors;
        Warnings = warnings;
        UnknownArguments = unknownArguments;
        ExplicitlySetFlags = explicitlySetFlags;
        HelpRequested = helpRequested;
    }

    /// <summary>Defaults overridden by every flag that parsed; relative paths already resolved.</summary>
    public ServerOptions Options { get; }

    /// <summary>
    /// Malformed values, one message per bad flag, each naming the flag (TF's text: "Couldn't interpret
    /// value abc for flag port."). Non-empty means: print them with the usage and exit non-zero, as
    /// TF Serving does (it exits with -1, i.e. 255).
    /// </summary>
    public IReadOnlyList<string> Errors { get; }

    /// <summary>
    /// Reported but not fatal: <c>unknown argument: X</c> for every argument that is not a flag (TF
    /// Serving prints the first one with the usage and carries on), and a note for every gflags-only
    /// spelling NServe understood but TF Serving would not (<c>--port 9000</c>, <c>-port=9000</c>,
    /// <c>--noenable_batching</c>, <c>--enable_batching=yes</c>).
    /// </summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>The arguments that were ignored, as given.</summary>
    public IReadOnlyList<string> UnknownArguments { get; }

    /// <summary>Names (no dashes) of the flags given on the command line, each once, in order of first use.</summary>
    public IReadOnlyList<string> ExplicitlySetFlags { get; }

    /// <summary><c>--help</c>, <c>-help</c> or <c>-h</c> was given: print <see cref="HelpText"/> and exit.</summary>
    public bool HelpRequested { get; }

    /// <summary><c>--version</c> was given (and not reset by <c>--version=false</c>).</summary>
    public bool VersionRequested => Options.Version;

    public bool Succeeded => Errors.Count == 0;

    /// <summary>Flags set on the command line that NServe does not act on (see <see cref="FlagSupport"/>).</summary>
    public IReadOnlyList<string> UnactedFlags => FlagSupport.UnactedFlags(ExplicitlySetFlags);
}
