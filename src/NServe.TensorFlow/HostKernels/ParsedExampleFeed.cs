namespace NServe.TensorFlow.HostKernels;

/// <summary>
/// One ParseExample node run on the host: the signature input alias whose serialized strings it parses, the
/// kernel, and the aliases under which its dense outputs are fed to the converted graph (in output order).
/// </summary>
public sealed record ParsedExampleFeed(string InputAlias, ParseExampleKernel Kernel, IReadOnlyList<string> OutputAliases);
